package dvlcap.nn;

import dvlcap.model.ImageTiling;
import dvlcap.model.PatchMerge;

/**
 * Where the LM rows of one tiled image come from, as LLaVA-NeXT's {@code prepare_inputs_labels_for_multimodal}
 * arranges them: the base tile's rows first (unless {@code nobase}), then the tiles' {@code unit x unit}
 * feature grids joined into one map of {@code gridRows*unit x gridCols*unit} cells and, depending on the
 * merge type, unpadded ({@code unpad_image}), shrunk ({@code anyres_max_N}), max-pooled or kept, written
 * row by row with a newline row after each ({@code unpad}). {@link PatchMerge#FLAT} keeps every tile's rows
 * in tile order.
 *
 * @param top first map row kept
 * @param bottom map row after the last kept
 * @param left first map column kept
 * @param right map column after the last kept
 * @param outRows rows of the map as written (after interpolation or pooling)
 * @param outCols columns of the map as written (newline rows not counted)
 */
record AnyresLayout(PatchMerge merge, int unit, int gridRows, int gridCols, int top, int bottom, int left,
                    int right, boolean interpolate, int outRows, int outCols) {

    /** Shrinking starts only once the map is this much larger (per side) than N tiles (LLaVA-OneVision's rule). */
    private static final double SHRINK_THRESHOLD = 1.1;

    static AnyresLayout of(ImageTiling tiling, int unit, int gridRows, int gridCols, int originalWidth,
                           int originalHeight) {
        PatchMerge merge = tiling.merge();
        int h = gridRows * unit, w = gridCols * unit;
        if (!merge.spatial()) {
            return new AnyresLayout(merge, unit, gridRows, gridCols, 0, h, 0, w, false, h, w);
        }
        if (merge.maxPool()) {
            return new AnyresLayout(merge, unit, gridRows, gridCols, 0, h, 0, w, false, h / 2, w / 2);
        }
        if (!merge.unpad()) {
            return new AnyresLayout(merge, unit, gridRows, gridCols, 0, h, 0, w, false, h, w);
        }
        if (originalWidth < 1 || originalHeight < 1) {
            throw new IllegalArgumentException("unpadding needs the image's original size, got "
                    + originalWidth + "x" + originalHeight);
        }
        int top = 0, bottom = h, left = 0, right = w;
        // unpad_image, in Python's float arithmetic
        if ((double) originalWidth / originalHeight > (double) w / h) {
            double scale = (double) w / originalWidth;
            int newHeight = (int) (originalHeight * scale);
            int pad = (h - newHeight) / 2;
            top = pad;
            bottom = h - pad;
        } else {
            double scale = (double) h / originalHeight;
            int newWidth = (int) (originalWidth * scale);
            int pad = (w - newWidth) / 2;
            left = pad;
            right = w - pad;
        }
        int kh = bottom - top, kw = right - left;
        if (tiling.maxTiles() > 0) {
            double times = Math.sqrt((double) ((long) kh * kw) / ((long) tiling.maxTiles() * unit * unit));
            if (times > SHRINK_THRESHOLD) {
                int oh = (int) pythonFloorDiv(kh, times), ow = (int) pythonFloorDiv(kw, times);
                return new AnyresLayout(merge, unit, gridRows, gridCols, top, bottom, left, right, true, oh, ow);
            }
        }
        return new AnyresLayout(merge, unit, gridRows, gridCols, top, bottom, left, right, false, kh, kw);
    }

    /** Rows of the base tile written first. */
    int baseRows() {
        return merge.base() ? unit * unit : 0;
    }

    boolean newline() {
        return merge.unpad();
    }

    /** Every LM row of the image. */
    int tokens() {
        if (!merge.spatial()) {
            return (1 + gridRows * gridCols) * unit * unit;
        }
        return baseRows() + outRows * (outCols + (newline() ? 1 : 0));
    }

    /**
     * Python's {@code a // b} for floats (CPython's float_floor_div: fmod, then the quotient rounded),
     * which can differ from {@code floor(a / b)} in the last place.
     */
    static double pythonFloorDiv(double a, double b) {
        double mod = a % b;
        double div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) {
            div -= 1.0;
        }
        if (div == 0) {
            return Math.copySign(0.0, a / b);
        }
        double floor = Math.floor(div);
        return div - floor > 0.5 ? floor + 1.0 : floor;
    }
}
