package dvlcap.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.testing.BadImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder();

    @TempDir
    Path dir;

    @TestFactory
    List<DynamicTest> everyFixtureDecodesOrFailsAsExpected() {
        Map<String, BadImages.Expected> fixtures = BadImages.write(dir);
        List<DynamicTest> tests = new ArrayList<>();
        fixtures.forEach((name, expected) -> tests.add(DynamicTest.dynamicTest(name, () -> {
            byte[] bytes = Files.readAllBytes(dir.resolve(name));
            if (expected.valid()) {
                BufferedImage img = decoder.decode(bytes, name);
                assertEquals(BufferedImage.TYPE_INT_RGB, img.getType(), name);
                assertEquals(expected.width(), img.getWidth(), name + " width");
                assertEquals(expected.height(), img.getHeight(), name + " height");
            } else {
                ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(bytes, name));
                assertTrue(e.reason().toLowerCase(Locale.ROOT).contains(expected.reason()),
                        name + ": '" + e.getMessage() + "' should say " + expected.reason());
                assertTrue(e.getMessage().startsWith(name + ": "), "message names the input: " + e.getMessage());
            }
        })));
        return tests;
    }

    @Test
    void quadrantColoursSurviveEveryLosslessEncoding() throws IOException {
        BadImages.write(dir);
        for (String name : List.of("valid.png", "valid.bmp", "palette.png", "rgba.png", "rgb16.png")) {
            BufferedImage img = decoder.decode(Files.readAllBytes(dir.resolve(name)), name);
            assertEquals(0xFF0000, rgb(img, 2, 2), name + " top-left red");
            assertEquals(0x00FF00, rgb(img, 20, 2), name + " top-right green");
            assertEquals(0x0000FF, rgb(img, 2, 14), name + " bottom-left blue");
            assertEquals(0xFFFFFF, rgb(img, 20, 14), name + " bottom-right white");
        }
    }

    @Test
    void lossyEncodingsKeepQuadrantColoursApproximately() throws IOException {
        BadImages.write(dir);
        for (String name : List.of("valid.jpg", "cmyk.jpg")) {
            BufferedImage img = decoder.decode(Files.readAllBytes(dir.resolve(name)), name);
            assertNear(0xFF0000, rgb(img, 3, 3), 60, name + " red");
            assertNear(0x00FF00, rgb(img, 20, 3), 60, name + " green");
            assertNear(0x0000FF, rgb(img, 3, 12), 60, name + " blue");
            assertNear(0xFFFFFF, rgb(img, 20, 12), 60, name + " white");
        }
    }

    @Test
    void grayscaleReplicatesStoredSamplesWithoutGammaShift() {
        BufferedImage gray = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(1, 0, 0, 100);
        gray.getRaster().setSample(2, 1, 0, 200);
        BufferedImage img = decoder.decode(BadImages.encode(gray, "png"));
        assertEquals(0x646464, rgb(img, 1, 0));
        assertEquals(0xC8C8C8, rgb(img, 2, 1));
        assertEquals(0, rgb(img, 0, 0));
    }

    @Test
    void grayAlphaAndSixteenBitGrayKeepGrayLevels() {
        ComponentColorModel ga = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                java.awt.Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = ga.createCompatibleWritableRaster(3, 1);
        r.setPixel(0, 0, new int[] {100, 0});   // fully transparent: the gray under it is kept
        r.setPixel(1, 0, new int[] {150, 128});
        r.setPixel(2, 0, new int[] {250, 255});
        BufferedImage img = decoder.decode(BadImages.encode(new BufferedImage(ga, r, false, null), "png"));
        assertEquals(0x646464, rgb(img, 0, 0));
        assertEquals(0x969696, rgb(img, 1, 0));
        assertEquals(0xFAFAFA, rgb(img, 2, 0));

        BufferedImage g16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(0, 0, 0, 100 * 257);
        g16.getRaster().setSample(1, 0, 0, 65535);
        BufferedImage img16 = decoder.decode(BadImages.encode(g16, "png"));
        assertEquals(0x646464, rgb(img16, 0, 0));
        assertEquals(0xFFFFFF, rgb(img16, 1, 0));
    }

    @Test
    void alphaIsDroppedKeepingTheColourUnderIt() {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00123456); // fully transparent
        argb.setRGB(1, 0, 0x80ABCDEF); // half transparent
        BufferedImage img = decoder.decode(BadImages.encode(argb, "png"));
        assertEquals(0x123456, rgb(img, 0, 0));
        assertEquals(0xABCDEF, rgb(img, 1, 0));
    }

    @Test
    void exifOrientationSixTurnsTheImageUpright() throws IOException {
        BadImages.write(dir);
        BufferedImage img = decoder.decode(Files.readAllBytes(dir.resolve(BadImages.EXIF_ROTATED)));
        assertEquals(16, img.getWidth());
        assertEquals(24, img.getHeight());
        // Stored top-left red block, turned 90 degrees clockwise, lands at the top-right.
        assertNear(0xFF0000, rgb(img, 12, 3), 60, "top-right is red");
        assertNear(0xFFFFFF, rgb(img, 3, 3), 60, "top-left is white");
        assertNear(0xFFFFFF, rgb(img, 12, 20), 60, "bottom-right is white");
    }

    @Test
    void everyExifOrientationPutsTheMarkerWhereAViewerSeesIt() {
        BufferedImage stored = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = stored.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 32, 16);
        g.setColor(Color.RED);
        g.fillRect(0, 0, 8, 8);
        g.dispose();
        byte[] png = BadImages.encode(stored, "png");
        byte[] jpeg = BadImages.encode(stored, "jpeg");
        // Where the stored top-left corner ends up: {x at right?, y at bottom?}, per PIL's exif_transpose.
        boolean[][] corner = {null, {false, false}, {true, false}, {true, true}, {false, true},
            {false, false}, {true, false}, {true, true}, {false, true}};
        for (int o = 1; o <= 8; o++) {
            BufferedImage img = decoder.decode(BadImages.withExifOrientation(jpeg, o), "o" + o);
            boolean swapped = o >= 5;
            assertEquals(swapped ? 16 : 32, img.getWidth(), "orientation " + o);
            int x = corner[o][0] ? img.getWidth() - 4 : 3;
            int y = corner[o][1] ? img.getHeight() - 4 : 3;
            assertNear(0xFF0000, rgb(img, x, y), 60, "orientation " + o + " marker at " + x + "," + y);
        }
        // EXIF orientation is read only from JPEGs.
        assertEquals(32, decoder.decode(png).getWidth());
    }

    @Test
    void animatedGifGivesItsFirstFrame() throws IOException {
        BadImages.write(dir);
        BufferedImage img = decoder.decode(Files.readAllBytes(dir.resolve("animated.gif")));
        assertEquals(0xFF0000, rgb(img, 5, 5));
    }

    @Test
    void progressiveJpegDecodes() throws IOException {
        javax.imageio.ImageWriter w = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
        p.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var out = new javax.imageio.stream.MemoryCacheImageOutputStream(bytes)) {
            w.setOutput(out);
            w.write(null, new javax.imageio.IIOImage(BadImages.pattern(24, 16, BufferedImage.TYPE_INT_RGB), null, null), p);
        }
        w.dispose();
        BufferedImage img = decoder.decode(bytes.toByteArray());
        assertNear(0x0000FF, rgb(img, 3, 12), 60, "blue quadrant");
    }

    @Test
    void pixelLimitIsConfigurableAndCheckedBeforeDecoding() {
        byte[] png = BadImages.encode(BadImages.pattern(24, 16, BufferedImage.TYPE_INT_RGB), "png");
        assertEquals(24, new ImageDecoder(384).decode(png).getWidth());
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> new ImageDecoder(383).decode(png, "x"));
        assertTrue(e.getMessage().contains("24x16"), e.getMessage());
        assertEquals("png", e.format());
        // The bomb's header says 2.5e9 pixels; refusing it must not allocate them.
        ImageDecodeException bomb = assertThrows(ImageDecodeException.class,
                () -> decoder.decode(BadImages.bombPng(50_000, 50_000), "bomb"));
        assertTrue(bomb.getMessage().contains("50000x50000"), bomb.getMessage());
    }

    @Test
    void everyPrefixOfAValidFileFailsCleanlyOrDecodes() {
        byte[] png = BadImages.encode(BadImages.pattern(24, 16, BufferedImage.TYPE_INT_RGB), "png");
        byte[] jpeg = BadImages.encode(BadImages.pattern(24, 16, BufferedImage.TYPE_INT_RGB), "jpeg");
        for (byte[] file : List.of(png, jpeg)) {
            for (int n = 0; n < file.length; n++) {
                byte[] prefix = java.util.Arrays.copyOf(file, n);
                try {
                    decoder.decode(prefix, "prefix" + n);
                } catch (ImageDecodeException expected) {
                    // the only allowed failure
                }
            }
        }
    }

    @Test
    void flippedBytesNeverEscapeAsAnotherException() {
        byte[] png = BadImages.encode(BadImages.pattern(24, 16, BufferedImage.TYPE_INT_RGB), "png");
        byte[] jpeg = BadImages.encode(BadImages.pattern(24, 16, BufferedImage.TYPE_INT_RGB), "jpeg");
        java.util.Random random = new java.util.Random(3);
        for (byte[] file : List.of(png, jpeg)) {
            for (int i = 0; i < 300; i++) {
                byte[] bad = file.clone();
                for (int k = 0; k < 3; k++) {
                    bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
                }
                try {
                    decoder.decode(bad, "flip" + i);
                } catch (ImageDecodeException expected) {
                    // the only allowed failure
                }
            }
        }
    }

    @Test
    void webpAndCmykCapableJpegReadersAreRegistered() {
        assertTrue(javax.imageio.ImageIO.getImageReadersByFormatName("webp").hasNext(), "WebP reader");
        assertTrue(javax.imageio.ImageIO.getImageReadersByFormatName("jpeg").next().getClass().getName()
                .startsWith("com.twelvemonkeys"), "TwelveMonkeys JPEG reader comes first");
    }

    @Test
    void nullIsAnEmptyInput() {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(null, "n"));
        assertTrue(e.getMessage().contains("empty"));
    }

    static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    static void assertNear(int expected, int actual, int tolerance, String what) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int e = (expected >> shift) & 0xFF;
            int a = (actual >> shift) & 0xFF;
            assertTrue(Math.abs(e - a) <= tolerance,
                    what + String.format(": expected ~%06x, got %06x", expected, actual));
        }
    }
}
