package dvlcap.trainer.corpus;

import java.awt.Color;
import java.util.Locale;

/** Shape colours, each with a single-word name and a saturated, well-separated RGB value. */
public enum Colour {
    RED(220, 30, 30), GREEN(30, 170, 60), BLUE(40, 90, 235), YELLOW(245, 220, 40),
    PURPLE(150, 50, 190), ORANGE(250, 140, 20), WHITE(250, 250, 250), BLACK(15, 15, 15);

    private final int r;
    private final int g;
    private final int b;

    Colour(int r, int g, int b) {
        this.r = r;
        this.g = g;
        this.b = b;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Color rgb() {
        return new Color(r, g, b);
    }

    /** The colour a caption word names, or null. */
    public static Colour fromWord(String word) {
        for (Colour c : values()) {
            if (c.word().equals(word)) {
                return c;
            }
        }
        return null;
    }
}
