package dvlcap.cli;

import dvlcap.engine.KvBudget;

/** {@code --kv-budget}, shared by the commands that run an engine. */
public final class KvBudgetFlag {
    public static final String NAME = "kv-budget";

    public static final String HELP = """
              --kv-budget SIZE          memory of the engine's KV pool, which decides how many
                                        images decode at once: bytes with an optional k/m/g/t
                                        suffix (2g, 512m), a fraction of free memory in (0, 1]
                                        (0.5), or auto (default: a quarter of the free heap on
                                        CPU, 70% of free device memory on CUDA)
            """;

    private KvBudgetFlag() {
    }

    /** The flag's value, {@link KvBudget#auto()} when absent; a malformed one is a usage error. */
    public static KvBudget of(Args a) {
        try {
            return a.has(NAME) ? KvBudget.parse(a.string(NAME, null)) : KvBudget.auto();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }
}
