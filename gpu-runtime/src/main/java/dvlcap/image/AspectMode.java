package dvlcap.image;

import java.util.Locale;

/** How a non-square image becomes the tower's square input ({@code image_aspect_ratio} in LLaVA's config.json). */
public enum AspectMode {
    /** Plain resize to size x size, stretching (what SigLIP's own processor does). */
    SQUARE,
    /** LLaVA's {@code expand2square}: pad to a centred square with the mean colour, then resize. */
    PAD;

    public static AspectMode parse(String s) {
        return switch (s == null ? "square" : s.toLowerCase(Locale.ROOT)) {
            case "square" -> SQUARE;
            case "pad" -> PAD;
            default -> throw new IllegalArgumentException("image_aspect_ratio '" + s
                    + "' is not supported (square and pad are)");
        };
    }
}
