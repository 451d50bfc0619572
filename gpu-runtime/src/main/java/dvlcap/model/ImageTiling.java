package dvlcap.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A llava-qwen2 model's image settings beyond the tower, as LLaVA-NeXT reads them from config.json:
 * anyres tiling ({@code image_aspect_ratio} {@code anyres} or {@code anyres_max_N},
 * {@code image_grid_pinpoints}) and {@code mm_patch_merge_type}.
 *
 * @param anyres whether an image becomes a base tile plus a grid of tiles
 * @param maxTiles {@code anyres_max_N}'s N: an unpadded feature map larger than about N tiles is shrunk
 *        bilinearly; 0 for plain {@code anyres} and for untiled images
 * @param pinpoints the candidate resolutions in pixels, in config order (a tie keeps the first);
 *        empty when not tiling
 * @param merge how features become LM rows
 */
public record ImageTiling(boolean anyres, int maxTiles, List<Resolution> pinpoints, PatchMerge merge) {
    private static final Pattern ANYRES_MAX = Pattern.compile("anyres_max_(\\d+)");
    private static final Pattern GRID = Pattern.compile("\\((\\d+)x(\\d+)\\)");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    /** A width x height in pixels. */
    public record Resolution(int width, int height) {
        public Resolution {
            if (width < 1 || height < 1) {
                throw new IllegalArgumentException("image_grid_pinpoints entry " + width + "x" + height
                        + " is not a positive size");
            }
        }
    }

    public ImageTiling {
        pinpoints = List.copyOf(pinpoints);
        if (anyres && pinpoints.isEmpty()) {
            throw new IllegalArgumentException("image_grid_pinpoints is missing or empty, anyres needs it");
        }
        if (maxTiles < 0 || maxTiles > 0 && !anyres) {
            throw new IllegalArgumentException("anyres_max_N needs N >= 1 and anyres tiling, got " + maxTiles);
        }
    }

    /** Untiled images ({@code square} or {@code pad}) merged {@code flat}: the tower's rows as they are. */
    public static ImageTiling none() {
        return new ImageTiling(false, 0, List.of(), PatchMerge.FLAT);
    }

    /**
     * Reads the settings from config.json's values: {@code aspect} is {@code image_aspect_ratio}
     * (square, pad, anyres, anyres_max_N), {@code pinpoints} the list of resolutions given by
     * {@code image_grid_pinpoints} ({@link #expandGrid} or {@link #pairs} make one from its string
     * forms), {@code mergeType} {@code mm_patch_merge_type} or null. Tiles are {@code tile} pixels
     * square; every pinpoint must be a whole number of tiles.
     */
    public static ImageTiling of(String aspect, List<Resolution> pinpoints, String mergeType, int tile) {
        PatchMerge merge = PatchMerge.parse(mergeType);
        String a = aspect == null ? "square" : aspect;
        if (a.equals("square") || a.equals("pad")) {
            return new ImageTiling(false, 0, List.of(), merge);
        }
        int max;
        if (a.equals("anyres")) {
            max = 0;
        } else {
            Matcher m = ANYRES_MAX.matcher(a);
            if (!m.matches() || m.group(1).length() > 6 || Integer.parseInt(m.group(1)) < 1) {
                throw new IllegalArgumentException("image_aspect_ratio '" + aspect
                        + "' is not supported (square, pad, anyres and anyres_max_N with N >= 1 are)");
            }
            max = Integer.parseInt(m.group(1));
        }
        if (pinpoints == null || pinpoints.isEmpty()) {
            throw new IllegalArgumentException("image_aspect_ratio '" + aspect + "' needs image_grid_pinpoints");
        }
        for (Resolution r : pinpoints) {
            // LLaVA cuts the padded image into ceil(size / tile) tiles but reshapes the features by
            // size // tile: only whole tiles agree
            if (r.width() % tile != 0 || r.height() % tile != 0) {
                throw new IllegalArgumentException("image_grid_pinpoints entry [" + r.width() + ", " + r.height()
                        + "] is not a whole number of the tower's " + tile + "-pixel tiles");
            }
        }
        return new ImageTiling(true, max, pinpoints, merge);
    }

    /**
     * The string form {@code "(1x1),...,(6x6)"} as LLaVA-NeXT expands it: the first and last
     * {@code (AxB)} bound a range, width multipliers outer, height multipliers inner, times the tile size.
     */
    public static List<Resolution> expandGrid(String s, int tile) {
        Matcher m = GRID.matcher(s);
        List<int[]> found = new ArrayList<>();
        while (m.find()) {
            found.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("image_grid_pinpoints '" + s + "' has no (AxB) entries");
        }
        int[] start = found.get(0), end = found.get(found.size() - 1);
        List<Resolution> out = new ArrayList<>();
        for (int i = start[0]; i <= end[0]; i++) {
            for (int j = start[1]; j <= end[1]; j++) {
                out.add(new Resolution(i * tile, j * tile));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("image_grid_pinpoints '" + s + "' is an empty range");
        }
        return out;
    }

    /** A literal list written as a string, {@code "[(336, 672), (672, 336)]"}: its numbers taken in pairs. */
    public static List<Resolution> pairs(String s) {
        Matcher m = NUMBER.matcher(s);
        List<Integer> n = new ArrayList<>();
        while (m.find()) {
            if (m.group().length() > 6) {
                throw new IllegalArgumentException("image_grid_pinpoints '" + s + "' has an implausible size");
            }
            n.add(Integer.parseInt(m.group()));
        }
        if (n.isEmpty() || n.size() % 2 != 0) {
            throw new IllegalArgumentException("image_grid_pinpoints '" + s
                    + "' is neither a list of [width, height] pairs nor an (AxB),...,(CxD) range");
        }
        List<Resolution> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i += 2) {
            out.add(new Resolution(n.get(i), n.get(i + 1)));
        }
        return out;
    }
}
