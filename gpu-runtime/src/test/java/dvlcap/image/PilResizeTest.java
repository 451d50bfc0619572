package dvlcap.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.HexFormat;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class PilResizeTest {

    /** The test pattern used for the PIL reference values below: r, g, b from simple formulas of x and y. */
    static BufferedImage pattern(int w, int h) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.setRGB(x, y, (((x * 37 + y * 91) % 256) << 16) | (((x * x * 7 + y * 13) % 256) << 8)
                        | ((x * y * 5 + 17) % 256));
            }
        }
        return im;
    }

    static byte[] rgbBytes(BufferedImage img) {
        byte[] b = new byte[img.getWidth() * img.getHeight() * 3];
        int i = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                b[i++] = (byte) (p >> 16);
                b[i++] = (byte) (p >> 8);
                b[i++] = (byte) p;
            }
        }
        return b;
    }

    static long crc(BufferedImage img) {
        CRC32 c = new CRC32();
        c.update(rgbBytes(img));
        return c.getValue();
    }

    static BufferedImage row(int... grays) {
        BufferedImage im = new BufferedImage(grays.length, 1, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < grays.length; x++) {
            im.setRGB(x, 0, grays[x] * 0x010101);
        }
        return im;
    }

    static int[] grays(BufferedImage im) {
        int[] g = new int[im.getWidth()];
        for (int x = 0; x < g.length; x++) {
            g[x] = im.getRGB(x, 0) & 0xFF;
        }
        return g;
    }

    @Test
    void constantImageStaysConstantWithEveryFilterUpAndDown() {
        BufferedImage flat = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
        java.util.Arrays.fill(PilResize.pixels(flat), 0x7B2DE1);
        for (ResampleFilter f : ResampleFilter.values()) {
            for (int[] size : new int[][] {{5, 4}, {384, 384}, {37, 3}, {1, 1}, {80, 23}}) {
                BufferedImage out = PilResize.resize(flat, size[0], size[1], f);
                for (int p : PilResize.pixels(out)) {
                    assertEquals(0x7B2DE1, p & 0xFFFFFF, f + " to " + size[0] + "x" + size[1]);
                }
            }
        }
    }

    @Test
    void sameSizeIsIdentity() {
        BufferedImage in = pattern(13, 9);
        for (ResampleFilter f : ResampleFilter.values()) {
            assertArrayEquals(rgbBytes(in), rgbBytes(PilResize.resize(in, 13, 9, f)), f.name());
        }
    }

    @Test
    void halvingARampMatchesHandComputedKernels() {
        BufferedImage ramp = row(0, 70, 140, 210);
        // Box: plain pair averages.
        assertArrayEquals(new int[] {35, 175}, grays(PilResize.resize(ramp, 2, 1, ResampleFilter.BOX)));
        // Bilinear stretched to support 2: taps weigh 3/7, 3/7, 1/7 -> (0*3 + 70*3 + 140)/7, (70 + 140*3 + 210*3)/7.
        assertArrayEquals(new int[] {50, 160}, grays(PilResize.resize(ramp, 2, 1, ResampleFilter.BILINEAR)));
        // Bicubic (a = -0.5), as PIL 9.4 gives it.
        assertArrayEquals(new int[] {41, 169}, grays(PilResize.resize(ramp, 2, 1, ResampleFilter.BICUBIC)));
    }

    @Test
    void bicubicDownscaleMatchesPilPixelForPixel() {
        // Image.resize((5, 4), resample=3) of the 13x9 pattern, Pillow 9.4.
        byte[] expected = HexFormat.of().parseHex("5e10148c621c7287256c852e90983a6f2c1d6e7e4086796772ab95736f9f8"
                + "24a27719d68718bad8372907579549b6a30799993746b81765b427769a3");
        assertArrayEquals(expected, rgbBytes(PilResize.resize(pattern(13, 9), 5, 4, ResampleFilter.BICUBIC)));
    }

    @Test
    void everyFilterMatchesPilChecksums() {
        // CRC32 of the RGB bytes of PIL's output (Pillow 9.4), src w, h -> dst w, h, filter.
        Object[][] cases = {
            {13, 9, 5, 4, ResampleFilter.NEAREST, 3208006640L},
            {13, 9, 20, 15, ResampleFilter.BICUBIC, 2930608329L},
            {40, 31, 5, 4, ResampleFilter.BICUBIC, 890971639L},
            {40, 31, 7, 3, ResampleFilter.BILINEAR, 1224171158L},
            {40, 31, 13, 4, ResampleFilter.BOX, 3163993612L},
            {7, 7, 5, 9, ResampleFilter.HAMMING, 2102033899L},
            {7, 7, 3, 50, ResampleFilter.BICUBIC, 3836979214L},
            {100, 3, 64, 64, ResampleFilter.LANCZOS, 3540992873L},
        };
        for (Object[] c : cases) {
            BufferedImage out = PilResize.resize(pattern((int) c[0], (int) c[1]), (int) c[2], (int) c[3],
                    (ResampleFilter) c[4]);
            assertEquals((long) c[5], crc(out), java.util.Arrays.toString(c));
        }
    }

    @Test
    void nonRgbAndSubImagesAreReadAsTheirPixels() {
        BufferedImage big = pattern(20, 20);
        BufferedImage sub = big.getSubimage(3, 4, 13, 9);
        BufferedImage copy = new BufferedImage(13, 9, BufferedImage.TYPE_INT_RGB);
        copy.setRGB(0, 0, 13, 9, sub.getRGB(0, 0, 13, 9, null, 0, 13), 0, 13);
        assertArrayEquals(rgbBytes(PilResize.resize(copy, 5, 4, ResampleFilter.BICUBIC)),
                rgbBytes(PilResize.resize(sub, 5, 4, ResampleFilter.BICUBIC)));
    }

    @Test
    void pilCodesMapToFilters() {
        assertEquals(ResampleFilter.BICUBIC, ResampleFilter.fromPil(3));
        assertEquals(ResampleFilter.BILINEAR, ResampleFilter.fromPil(2));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ResampleFilter.fromPil(9));
    }
}
