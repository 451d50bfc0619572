package dvlcap.cli;

import dvlcap.engine.KvBudget;

/** {@code --kv-budget}, shared by the commands that run an engine. */
final class KvBudgetFlag {
    static final String NAME = "kv-budget";

    private KvBudgetFlag() {
    }

    /** The flag's value, {@link KvBudget#auto()} when absent; a malformed one is a usage error. */
    static KvBudget of(Args a) {
        try {
            return a.has(NAME) ? KvBudget.parse(a.string(NAME, null)) : KvBudget.auto();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }
}
