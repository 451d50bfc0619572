package dvlcap.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.model.ModelFileException;
import dvlcap.model.VisionConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePreprocessorTest {
    /** A tower taking 4x4 images in 2x2 patches. */
    static final VisionConfig TINY = new VisionConfig(8, 16, 1, 2, 4, 2, 3, 1e-6f, true);

    static final String SIGLIP_4 = """
            {"do_convert_rgb": null, "do_normalize": true, "do_rescale": true, "do_resize": true,
             "image_mean": [0.5, 0.5, 0.5], "image_processor_type": "SiglipImageProcessor",
             "image_std": [0.5, 0.5, 0.5], "processor_class": "SiglipProcessor", "resample": 3,
             "rescale_factor": 0.00392156862745098, "size": {"height": 4, "width": 4}}
            """;

    @TempDir
    Path dir;

    Path write(String json) throws IOException {
        Path f = dir.resolve(PreprocessorConfig.FILE_NAME);
        Files.writeString(f, json);
        return f;
    }

    static BufferedImage filled(int w, int h, int rgb) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Arrays.fill(PilResize.pixels(im), rgb);
        return im;
    }

    @Test
    void readsSiglipConfigFromAModelDirectory() throws IOException {
        write(SIGLIP_4);
        PreprocessorConfig c = PreprocessorConfig.read(dir);
        assertEquals(4, c.resizeHeight());
        assertEquals(4, c.resizeWidth());
        assertEquals(ResampleFilter.BICUBIC, c.resample());
        assertEquals(1 / 255.0, c.rescaleFactor(), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, c.mean());
        assertEquals(dir.resolve(PreprocessorConfig.FILE_NAME), c.source());
    }

    @Test
    void normalisesPrimaryColoursChannelsFirst() throws IOException {
        ImagePreprocessor p = ImagePreprocessor.load(write(SIGLIP_4), TINY, AspectMode.SQUARE);
        float[] out = p.tile(filled(9, 5, 0xFF0080));
        assertEquals(3 * 16, out.length);
        for (int i = 0; i < 16; i++) {
            assertEquals(1.0f, out[i], "red plane: 255 -> (1 - 0.5) / 0.5");
            assertEquals(-1.0f, out[16 + i], "green plane: 0 -> (0 - 0.5) / 0.5");
            // 128/255 = 0.50196 -> (0.50196 - 0.5) / 0.5 = 0.0039216, in float32 as numpy computes it
            assertEquals(((float) (128 / 255.0) - 0.5f) / 0.5f, out[32 + i], 0f, "blue plane");
        }
        assertEquals(0.003921628f, out[32], 1e-7f);
    }

    @Test
    void clipStyleMeanAndStdApplyPerChannel() throws IOException {
        ImagePreprocessor p = ImagePreprocessor.load(write("""
                {"image_processor_type": "CLIPImageProcessor", "size": {"height": 4, "width": 4},
                 "image_mean": [0.25, 0.5, 0.75], "image_std": [0.5, 0.25, 0.125]}"""), TINY, AspectMode.SQUARE);
        float[] out = p.tile(filled(4, 4, 0x000000));
        assertEquals(-0.5f, out[0]);
        assertEquals(-2f, out[16]);
        assertEquals(-6f, out[32]);
    }

    @Test
    void withoutRescaleOrNormaliseThePixelValuesComeThrough() throws IOException {
        ImagePreprocessor p = ImagePreprocessor.load(write("""
                {"size": {"height": 4, "width": 4}, "do_rescale": false, "do_normalize": false}"""),
                TINY, AspectMode.SQUARE);
        float[] out = p.tile(filled(4, 4, 0x10203));
        assertEquals(1f, out[0]);
        assertEquals(2f, out[16]);
        assertEquals(3f, out[32]);
    }

    @Test
    void identitySizeKeepsEveryPixelInPlace() throws IOException {
        ImagePreprocessor p = ImagePreprocessor.load(write(SIGLIP_4), TINY, AspectMode.SQUARE);
        BufferedImage im = PilResizeTest.pattern(4, 4);
        float[] out = p.tile(im);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                int v = (im.getRGB(x, y) >> 8) & 0xFF;
                assertEquals(((float) (v / 255.0) - 0.5f) / 0.5f, out[16 + y * 4 + x], "green at " + x + "," + y);
            }
        }
    }

    @Test
    void squareModeStretchesAndPadModeFillsWithTheMeanColour() throws IOException {
        Path f = write(SIGLIP_4);
        BufferedImage wide = filled(4, 2, 0xFFFFFF);
        BufferedImage square = ImagePreprocessor.load(f, TINY, AspectMode.SQUARE).pixels(wide);
        for (int p : PilResize.pixels(square)) {
            assertEquals(0xFFFFFF, p & 0xFFFFFF, "stretched, never padded");
        }
        // Padded to 4x4 (image at rows 1..2), so the resize to 4x4 is the identity.
        BufferedImage padded = ImagePreprocessor.load(f, TINY, AspectMode.PAD).pixels(wide);
        for (int x = 0; x < 4; x++) {
            assertEquals(0x7F7F7F, padded.getRGB(x, 0) & 0xFFFFFF, "int(0.5 * 255) = 127, LLaVA's background");
            assertEquals(0xFFFFFF, padded.getRGB(x, 1) & 0xFFFFFF);
            assertEquals(0xFFFFFF, padded.getRGB(x, 2) & 0xFFFFFF);
            assertEquals(0x7F7F7F, padded.getRGB(x, 3) & 0xFFFFFF);
        }
    }

    @Test
    void expandToSquareCentresWithFlooredOffset() {
        BufferedImage tall = filled(1, 4, 0xFFFFFF);
        BufferedImage sq = ImagePreprocessor.expandToSquare(tall, 0x010203);
        assertEquals(4, sq.getWidth());
        // (4 - 1) // 2 = 1: the column lands at x = 1
        assertEquals(0x010203, sq.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, sq.getRGB(1, 2) & 0xFFFFFF);
        assertEquals(0x010203, sq.getRGB(2, 2) & 0xFFFFFF);
    }

    @Test
    void shortestEdgeResizeThenCentreCropGivesTheTowerSize() throws IOException {
        ImagePreprocessor p = ImagePreprocessor.load(write("""
                {"image_processor_type": "CLIPImageProcessor", "size": {"shortest_edge": 4},
                 "do_center_crop": true, "crop_size": {"height": 4, "width": 4}, "resample": 3}"""),
                TINY, AspectMode.SQUARE);
        BufferedImage im = new BufferedImage(12, 4, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 12; x++) {
            for (int y = 0; y < 4; y++) {
                im.setRGB(x, y, x < 4 ? 0xFF0000 : x < 8 ? 0x00FF00 : 0x0000FF);
            }
        }
        BufferedImage out = p.pixels(im); // 12x4 already has shortest edge 4: crop keeps the green middle
        assertEquals(4, out.getWidth());
        assertEquals(0x00FF00, out.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x00FF00, out.getRGB(3, 3) & 0xFFFFFF);
        assertArrayEquals(new int[] {4, 13}, ImagePreprocessor.shortestEdgeSize(3, 10, 4));
    }

    @Test
    void sizeThatDisagreesWithTheTowerIsAnErrorNamingTheFile() throws IOException {
        Path f = write(SIGLIP_4.replace("\"height\": 4, \"width\": 4", "\"height\": 384, \"width\": 384"));
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> ImagePreprocessor.load(f, TINY, AspectMode.SQUARE));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains("384x384") && e.getMessage().contains("image_size"), e.getMessage());
    }

    @Test
    void shortestEdgeWithoutCropIsRejected() throws IOException {
        Path f = write("{\"size\": {\"shortest_edge\": 4}}");
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> ImagePreprocessor.load(f, TINY, AspectMode.PAD));
        assertTrue(e.getMessage().contains("shortest_edge"), e.getMessage());
    }

    @Test
    void malformedConfigsNameTheFile() throws IOException {
        Path f = write("{\"size\": {\"height\": 4, \"width\": 4}, \"image_mean\": [0.5, 0.5]}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> PreprocessorConfig.read(f));
        assertEquals(f, e.file());
        Path g = write("{\"size\": {\"height\": 4, \"width\": 4}, \"resample\": 7}");
        assertTrue(assertThrows(ModelFileException.class, () -> PreprocessorConfig.read(g)).getMessage()
                .contains("resample 7"));
        Path missing = dir.resolve("nowhere");
        assertThrows(ModelFileException.class, () -> PreprocessorConfig.read(missing));
    }

    @Test
    void siglipDefaultsMatchTheSo400mRelease() {
        ImagePreprocessor p = new ImagePreprocessor(PreprocessorConfig.siglip(384), VisionConfig.so400mPatch14At384(),
                AspectMode.PAD);
        float[] out = p.tile(filled(640, 480, 0x808080));
        assertEquals(3 * 384 * 384, out.length);
        assertEquals(((float) (127 / 255.0) - 0.5f) / 0.5f, out[0], "padding row: int(0.5 * 255) = 127");
        assertEquals(((float) (128 / 255.0) - 0.5f) / 0.5f, out[192 * 384 + 192], "centre: the image");
    }

    @Test
    void aspectModeParsesLlavaNames() {
        assertEquals(AspectMode.PAD, AspectMode.parse("pad"));
        assertEquals(AspectMode.SQUARE, AspectMode.parse(null));
        assertThrows(IllegalArgumentException.class, () -> AspectMode.parse("anyres"));
    }
}
