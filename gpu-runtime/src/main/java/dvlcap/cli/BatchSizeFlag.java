package dvlcap.cli;

/** {@code --batch-size}: the most images an engine decodes together, read the same way by every command. */
public final class BatchSizeFlag {
    public static final String NAME = "batch-size";
    public static final int DEFAULT = 16;

    public static final String HELP = """
              --batch-size N            most images decoded together, >= 1 (default 16)
            """;

    private BatchSizeFlag() {
    }

    public static int of(Args a) {
        return of(a, DEFAULT);
    }

    /** For commands whose own default differs (the help text of such a command says so). */
    public static int of(Args a, int dflt) {
        return a.integer(NAME, dflt, 1);
    }
}
