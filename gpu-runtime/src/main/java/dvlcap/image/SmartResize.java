package dvlcap.image;

/**
 * Qwen2-VL's {@code smart_resize}: the size an image is resized to so that both sides are multiples of
 * {@code factor}, the pixel count lies between the limits, and the aspect ratio is kept as closely as
 * possible. Reproduced with Python's arithmetic: {@code round} ties to even ({@link Math#rint}), the
 * divisions in double in the same order, and the same floor/ceil.
 */
public final class SmartResize {
    /** Hugging Face refuses images whose long side exceeds this multiple of the short side. */
    public static final double MAX_ASPECT_RATIO = 200;

    private SmartResize() {
    }

    /** A resized image's size, in pixels. */
    public record Size(int height, int width) {
    }

    /**
     * @throws IllegalArgumentException for an image whose sides' ratio exceeds {@value #MAX_ASPECT_RATIO}
     *         (Hugging Face's error), or a non-positive side
     */
    public static Size of(int height, int width, int factor, long minPixels, long maxPixels) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image has no pixels: " + width + "x" + height);
        }
        double ratio = (double) Math.max(height, width) / Math.min(height, width);
        if (ratio > MAX_ASPECT_RATIO) {
            throw new IllegalArgumentException("absolute aspect ratio must be smaller than 200, got " + ratio
                    + " (" + width + "x" + height + ")");
        }
        long hBar = (long) Math.rint((double) height / factor) * factor;
        long wBar = (long) Math.rint((double) width / factor) * factor;
        double pixels = (double) ((long) height * width);
        if (hBar * wBar > maxPixels) {
            double beta = Math.sqrt(pixels / maxPixels);
            // Shrinking never goes below one factor per side, even when that leaves more than maxPixels.
            hBar = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
            wBar = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
        } else if (hBar * wBar < minPixels) {
            double beta = Math.sqrt(minPixels / pixels);
            hBar = (long) Math.ceil(height * beta / factor) * factor;
            wBar = (long) Math.ceil(width * beta / factor) * factor;
        }
        if (hBar > Integer.MAX_VALUE || wBar > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("resized size " + wBar + "x" + hBar + " is too large");
        }
        return new Size((int) hBar, (int) wBar);
    }
}
