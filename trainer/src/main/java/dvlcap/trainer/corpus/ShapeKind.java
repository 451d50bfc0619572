package dvlcap.trainer.corpus;

/** The shapes a scene can contain; {@link #word()} is how captions name them. */
public enum ShapeKind {
    CIRCLE, SQUARE, TRIANGLE, DIAMOND, STAR, CROSS;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The shape a caption word names, or null. */
    public static ShapeKind fromWord(String word) {
        for (ShapeKind k : values()) {
            if (k.word().equals(word)) {
                return k;
            }
        }
        return null;
    }
}
