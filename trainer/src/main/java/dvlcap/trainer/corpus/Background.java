package dvlcap.trainer.corpus;

import java.awt.Color;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Scene backgrounds. Each one excludes the shape colours that would be invisible or nearly so
 * on it (its own colour, and black and blue on dark blue).
 */
public enum Background {
    GRAY(128, 128, 128, EnumSet.noneOf(Colour.class)),
    WHITE(255, 255, 255, EnumSet.of(Colour.WHITE)),
    BLACK(0, 0, 0, EnumSet.of(Colour.BLACK)),
    DARK_BLUE(20, 25, 80, EnumSet.of(Colour.BLUE, Colour.BLACK));

    private final Color rgb;
    private final Set<Colour> excluded;

    Background(int r, int g, int b, Set<Colour> excluded) {
        this.rgb = new Color(r, g, b);
        this.excluded = excluded;
    }

    public Color rgb() {
        return rgb;
    }

    /** Whether a shape of this colour may be drawn on this background. */
    public boolean allows(Colour colour) {
        return !excluded.contains(colour);
    }

    /** The caption words, e.g. {@code ["dark", "blue"]}. */
    public List<String> words() {
        return List.of(name().toLowerCase(Locale.ROOT).split("_"));
    }

    /** The phrase, e.g. {@code "dark blue"}. */
    public String phrase() {
        return String.join(" ", words());
    }

    /** The background a phrase names, or null. */
    public static Background fromPhrase(String phrase) {
        for (Background b : values()) {
            if (b.phrase().equals(phrase)) {
                return b;
            }
        }
        return null;
    }
}
