package dvlcap.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;

/**
 * Turns whatever ImageIO decoded into an 8-bit sRGB {@code TYPE_INT_RGB} image.
 *
 * <p>Choices, each made to match what PIL's {@code convert('RGB')} feeds a Hugging Face processor:
 * <ul>
 * <li>Alpha is dropped, keeping the colour stored under it (PIL does not composite onto white or black);
 *     fully transparent pixels therefore show whatever colour the encoder left there.</li>
 * <li>Grayscale replicates the stored sample into R, G and B. We read raster samples rather than going
 *     through Java's {@code CS_GRAY}, which is linear and would brighten every gray image.</li>
 * <li>16-bit samples keep their high byte (PIL's PNG decoder does the same for 16-bit RGB). For 16-bit
 *     gray, PIL would clip to 0..255 and wash the image out; we keep the high byte there too.</li>
 * <li>Fewer than 8 bits (1/2/4-bit gray) scale up to 0..255.</li>
 * <li>Any other colour space (an ICC profile, CMYK that a plugin left as CMYK) goes through the colour
 *     model's own conversion to sRGB.</li>
 * </ul>
 */
final class RgbConversion {
    private RgbConversion() {
    }

    static BufferedImage toRgb(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) dst.getRaster().getDataBuffer()).getData();
        ColorModel cm = src.getColorModel();
        WritableRaster r = src.getRaster();
        int colours = cm.getNumColorComponents();
        int csType = cm.getColorSpace().getType();
        if (cm instanceof IndexColorModel icm) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int i = row[x];
                    out[y * w + x] = (icm.getRed(i) << 16) | (icm.getGreen(i) << 8) | icm.getBlue(i);
                }
            }
        } else if (csType == ColorSpace.TYPE_GRAY && colours == 1 && !cm.isAlphaPremultiplied()) {
            int bits = cm.getComponentSize(0);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = to8(row[x], bits);
                    out[y * w + x] = (v << 16) | (v << 8) | v;
                }
            }
        } else if (cm.getColorSpace().isCS_sRGB() && colours == 3 && !cm.isAlphaPremultiplied()
                && r.getNumBands() >= 3) {
            int bands = r.getNumBands();
            int br = cm.getComponentSize(0);
            int bg = cm.getComponentSize(1);
            int bb = cm.getComponentSize(2);
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                r.getPixels(0, y, w, 1, row);
                for (int x = 0, p = 0; x < w; x++, p += bands) {
                    out[y * w + x] = (to8(row[p], br) << 16) | (to8(row[p + 1], bg) << 8) | to8(row[p + 2], bb);
                }
            }
        } else {
            // The colour model converts to sRGB (ICC profiles, premultiplied alpha, CMYK); alpha is dropped.
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                src.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = row[x] & 0xFFFFFF;
                }
            }
        }
        return dst;
    }

    /**
     * The image itself when it is a {@code TYPE_INT_RGB} whose int buffer holds exactly its pixels, row by row
     * (so code may index the buffer directly); otherwise an RGB copy (sub-images, other types).
     */
    static BufferedImage plainRgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB
                && img.getRaster().getSampleModel() instanceof java.awt.image.SinglePixelPackedSampleModel sm
                && sm.getScanlineStride() == img.getWidth()
                && img.getRaster().getSampleModelTranslateX() == 0 && img.getRaster().getSampleModelTranslateY() == 0
                && img.getRaster().getDataBuffer().getSize() == img.getWidth() * img.getHeight()) {
            return img;
        }
        return toRgb(img);
    }

    /** A sample of {@code bits} bits as 0..255: high byte for deep samples, scaled up for shallow ones. */
    static int to8(int v, int bits) {
        if (bits == 8) {
            return v & 0xFF;
        }
        if (bits > 8) {
            return (v >>> (bits - 8)) & 0xFF;
        }
        int max = (1 << bits) - 1;
        return (v * 255 + max / 2) / max;
    }
}
