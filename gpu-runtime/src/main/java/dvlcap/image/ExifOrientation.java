package dvlcap.image;

import java.awt.image.BufferedImage;

/**
 * The EXIF orientation tag (0x0112) of a JPEG and the transform that makes the image upright.
 * Camera JPEGs store the sensor's pixels and say in EXIF how to turn them; a caption must see the
 * picture as a viewer does, as PIL's {@code ImageOps.exif_transpose} (called by Hugging Face's
 * {@code load_image}) shows it. A missing or malformed tag means "as stored": bad EXIF never fails an image.
 */
public final class ExifOrientation {
    /** The stored pixels are upright. */
    public static final int NORMAL = 1;

    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    private ExifOrientation() {
    }

    /**
     * Reads the orientation (1..8) from a JPEG's APP1 Exif segment; 1 when the bytes are not a JPEG,
     * have no Exif segment, or the tag is absent, malformed or out of range.
     */
    public static int readJpeg(byte[] jpeg) {
        try {
            return scanSegments(jpeg);
        } catch (IndexOutOfBoundsException e) {
            return NORMAL; // a damaged header: decoding proper decides whether the image is usable
        }
    }

    private static int scanSegments(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return NORMAL;
        }
        int p = 2;
        while (p + 4 <= b.length) {
            if ((b[p] & 0xFF) != 0xFF) {
                return NORMAL;
            }
            int marker = b[p + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                p++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) { // start of scan / end of image: no more headers
                return NORMAL;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // markers without a length
                p += 2;
                continue;
            }
            int len = u16(b, p + 2, false);
            if (len < 2) {
                return NORMAL;
            }
            int body = p + 4;
            int end = Math.min(b.length, p + 2 + len);
            if (marker == 0xE1 && isExif(b, body, end)) {
                int o = tiffOrientation(b, body + 6, end);
                if (o != 0) {
                    return o;
                }
            }
            p += 2 + len;
        }
        return NORMAL;
    }

    private static boolean isExif(byte[] b, int p, int end) {
        return end - p >= 6 && b[p] == 'E' && b[p + 1] == 'x' && b[p + 2] == 'i' && b[p + 3] == 'f'
                && b[p + 4] == 0 && b[p + 5] == 0;
    }

    /** Orientation from IFD0 of the TIFF structure at {@code tiff}; 0 when there is none. */
    private static int tiffOrientation(byte[] b, int tiff, int end) {
        if (end - tiff < 8) {
            return 0;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 0;
        }
        if (u16(b, tiff + 2, little) != 42) {
            return 0;
        }
        long ifd = u32(b, tiff + 4, little);
        if (ifd < 8 || tiff + ifd + 2 > end) {
            return 0;
        }
        int p = (int) (tiff + ifd);
        int count = u16(b, p, little);
        p += 2;
        for (int i = 0; i < count && p + 12 <= end; i++, p += 12) {
            if (u16(b, p, little) == TAG_ORIENTATION) {
                if (u16(b, p + 2, little) != TYPE_SHORT) {
                    return 0;
                }
                int v = u16(b, p + 8, little); // a single SHORT sits in the first half of the value field
                return v >= 1 && v <= 8 ? v : 0;
            }
        }
        return 0;
    }

    private static int u16(byte[] b, int p, boolean little) {
        int x = b[p] & 0xFF;
        int y = b[p + 1] & 0xFF;
        return little ? x | (y << 8) : (x << 8) | y;
    }

    private static long u32(byte[] b, int p, boolean little) {
        long hi = u16(b, little ? p + 2 : p, little);
        long lo = u16(b, little ? p : p + 2, little);
        return (hi << 16) | lo;
    }

    /**
     * Applies orientation {@code o} (the EXIF meaning: how the stored image must be turned for display)
     * to a TYPE_INT_RGB image; returns the image itself for 1 or an unknown value.
     * Orientations 5..8 swap width and height.
     */
    public static BufferedImage apply(BufferedImage src, int o) {
        if (o < 2 || o > 8) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        boolean swap = o >= 5;
        int dw = swap ? h : w;
        int dh = swap ? w : h;
        int[] in = src.getRGB(0, 0, w, h, null, 0, w);
        int[] out = new int[dw * dh];
        for (int dy = 0; dy < dh; dy++) {
            for (int dx = 0; dx < dw; dx++) {
                int sx;
                int sy;
                switch (o) {
                    case 2 -> { sx = w - 1 - dx; sy = dy; }          // mirror left-right
                    case 3 -> { sx = w - 1 - dx; sy = h - 1 - dy; }  // rotate 180
                    case 4 -> { sx = dx; sy = h - 1 - dy; }          // mirror top-bottom
                    case 5 -> { sx = dy; sy = dx; }                  // transpose
                    case 6 -> { sx = dy; sy = h - 1 - dx; }          // rotate 90 clockwise
                    case 7 -> { sx = w - 1 - dy; sy = h - 1 - dx; }  // transverse
                    default -> { sx = w - 1 - dy; sy = dx; }         // 8: rotate 90 counter-clockwise
                }
                out[dy * dw + dx] = in[sy * w + sx];
            }
        }
        BufferedImage dst = new BufferedImage(dw, dh, BufferedImage.TYPE_INT_RGB);
        dst.setRGB(0, 0, dw, dh, out, 0, dw);
        return dst;
    }
}
