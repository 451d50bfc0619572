package dvlcap.hostile;

/**
 * How loading one mutated model directory ended, by both user paths (the caption engine's loader and
 * {@code dvlcap inspect}).
 *
 * @param verdict the caption loader's verdict, or UNCLEAR when either path ended badly
 * @param detail the error message, or what went wrong
 */
record Outcome(Verdict verdict, String detail) {
    enum Verdict {
        /** The mutation was harmless: the model loaded and inspect ran. */
        LOADED,
        /** Refused with a ModelFileException naming the file and the tensor or key. */
        CLEAR_ERROR,
        /** Anything else: another exception, an error, a vague message, a hang. */
        UNCLEAR
    }

    static Outcome loaded() {
        return new Outcome(Verdict.LOADED, "");
    }

    static Outcome clear(String message) {
        return new Outcome(Verdict.CLEAR_ERROR, message);
    }

    static Outcome unclear(String what) {
        return new Outcome(Verdict.UNCLEAR, what);
    }
}
