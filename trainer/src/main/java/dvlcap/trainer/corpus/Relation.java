package dvlcap.trainer.corpus;

/**
 * Where object {@code subject} lies relative to object {@code object} (indices into a
 * scene's objects), derived from their grid cells.
 *
 * @param vertical   -1 above, 0 same row, +1 below
 * @param horizontal -1 left of, 0 same column, +1 right of
 */
public record Relation(int subject, int object, int vertical, int horizontal) {

    /** The relation of {@code a} (index {@code ia}) to {@code b} (index {@code ib}). */
    public static Relation between(int ia, SceneObject a, int ib, SceneObject b) {
        return new Relation(ia, ib,
                Integer.signum(a.cell().row().ordinal() - b.cell().row().ordinal()),
                Integer.signum(a.cell().column().ordinal() - b.cell().column().ordinal()));
    }

    /**
     * The preposition phrase, e.g. "to the left of", "above", "below and to the right of".
     * Objects always occupy different cells, so at least one direction is non-zero.
     */
    public String phrase() {
        String v = vertical < 0 ? "above" : vertical > 0 ? "below" : null;
        String h = horizontal < 0 ? "to the left of" : horizontal > 0 ? "to the right of" : null;
        if (v != null && h != null) {
            return v + " and " + h;
        }
        return v != null ? v : h;
    }
}
