package dvlcap.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * PIL's {@code Image.resize} for 8-bit RGB images, reproduced to the integer: a separable convolution
 * whose kernel support grows with the downscale factor (so downscaling antialiases), coefficients
 * normalised and converted to 22-bit fixed point, horizontal pass first into an 8-bit intermediate
 * (rounded and clipped, as PIL's is), then the vertical pass. Matching PIL matters because the vision
 * tower was trained on PIL-resized pixels.
 */
public final class PilResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {
    }

    /** Per-output-position kernel: first input index, tap count, and fixed-point weights. */
    private record Coeffs(int ksize, int[] first, int[] count, int[] weights) {
    }

    /** Resizes an image (converted to RGB first if it is not {@code TYPE_INT_RGB}) to {@code width x height}. */
    public static BufferedImage resize(BufferedImage src, int width, int height, ResampleFilter filter) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + width + "x" + height);
        }
        BufferedImage rgb = RgbConversion.plainRgb(src);
        int inW = rgb.getWidth();
        int inH = rgb.getHeight();
        int[] in = pixels(rgb);
        int[] out;
        if (inW == width && inH == height) {
            out = in.clone(); // PIL returns a copy when the size does not change
        } else if (filter == ResampleFilter.NEAREST) {
            out = nearest(in, inW, inH, width, height);
        } else {
            out = convolve(in, inW, inH, width, height, filter);
        }
        BufferedImage dst = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        System.arraycopy(out, 0, pixels(dst), 0, out.length);
        return dst;
    }

    static int[] pixels(BufferedImage rgb) {
        return ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
    }

    private static int[] convolve(int[] in, int inW, int inH, int outW, int outH, ResampleFilter filter) {
        Coeffs horiz = coeffs(inW, outW, filter);
        Coeffs vert = coeffs(inH, outH, filter);
        boolean needH = outW != inW;
        boolean needV = outH != inH;
        int[] cur = in;
        int curW = inW;
        int yFirst = 0;
        if (needH) {
            // Only the input rows the vertical pass will read go through the horizontal pass.
            yFirst = vert.first()[0];
            int yLast = vert.first()[outH - 1] + vert.count()[outH - 1];
            int rows = yLast - yFirst;
            int[] tmp = new int[outW * rows];
            for (int y = 0; y < rows; y++) {
                int rowIn = (y + yFirst) * inW;
                for (int x = 0; x < outW; x++) {
                    int k0 = x * horiz.ksize();
                    int xmin = horiz.first()[x];
                    int n = horiz.count()[x];
                    int r = 1 << (PRECISION_BITS - 1);
                    int g = r;
                    int b = r;
                    for (int i = 0; i < n; i++) {
                        int p = in[rowIn + xmin + i];
                        int k = horiz.weights()[k0 + i];
                        r += ((p >> 16) & 0xFF) * k;
                        g += ((p >> 8) & 0xFF) * k;
                        b += (p & 0xFF) * k;
                    }
                    tmp[y * outW + x] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
                }
            }
            cur = tmp;
            curW = outW;
        }
        if (!needV) {
            return cur;
        }
        int[] out = new int[outW * outH];
        for (int y = 0; y < outH; y++) {
            int k0 = y * vert.ksize();
            int ymin = vert.first()[y] - yFirst;
            int n = vert.count()[y];
            for (int x = 0; x < outW; x++) {
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                for (int i = 0; i < n; i++) {
                    int p = cur[(ymin + i) * curW + x];
                    int k = vert.weights()[k0 + i];
                    r += ((p >> 16) & 0xFF) * k;
                    g += ((p >> 8) & 0xFF) * k;
                    b += (p & 0xFF) * k;
                }
                out[y * outW + x] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
            }
        }
        return out;
    }

    /** PIL's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
    private static Coeffs coeffs(int inSize, int outSize, ResampleFilter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support() * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = filter.weight((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = w < 0 ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                        : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coeffs(ksize, first, count, weights);
    }

    private static int clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** Nearest neighbour as PIL maps it: output centre (x + 0.5) scaled back, floored. */
    private static int[] nearest(int[] in, int inW, int inH, int outW, int outH) {
        double sx = (double) inW / outW;
        double sy = (double) inH / outH;
        int[] out = new int[outW * outH];
        for (int y = 0; y < outH; y++) {
            int yi = Math.min(inH - 1, (int) Math.floor((y + 0.5) * sy));
            for (int x = 0; x < outW; x++) {
                int xi = Math.min(inW - 1, (int) Math.floor((x + 0.5) * sx));
                out[y * outW + x] = in[yi * inW + xi];
            }
        }
        return out;
    }
}
