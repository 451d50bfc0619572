package dvlcap.trainer.corpus;

import java.util.Locale;

/** Shape sizes, as half-extents in pixels of a 64x64 image (a cell is about 21 pixels wide). */
public enum Size {
    SMALL(5.5), LARGE(9.5);

    private final double halfExtent;

    Size(double halfExtent) {
        this.halfExtent = halfExtent;
    }

    public double halfExtent() {
        return halfExtent;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The size a caption word names, or null. */
    public static Size fromWord(String word) {
        for (Size s : values()) {
            if (s.word().equals(word)) {
                return s;
            }
        }
        return null;
    }
}
