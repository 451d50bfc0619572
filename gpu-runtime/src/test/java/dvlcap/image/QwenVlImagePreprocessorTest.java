package dvlcap.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.model.ModelFileException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QwenVlImagePreprocessorTest {
    @TempDir
    Path dir;

    Path write(String name, String json) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f;
    }

    /** Raw 8-bit values out: no rescale, no normalisation, no resize. */
    static QwenVlPreprocessorConfig raw(int patch, int temporal, int merge) {
        return new QwenVlPreprocessorConfig(null, false, 1, Long.MAX_VALUE, ResampleFilter.BICUBIC, false, 1 / 255.0,
                false, new double[] {0, 0, 0}, new double[] {1, 1, 1}, patch, temporal, merge);
    }

    /** R = x, G = y, B = 200: each value says where it came from. */
    static BufferedImage coordinates(int w, int h) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.setRGB(x, y, (x << 16) | (y << 8) | 200);
            }
        }
        return im;
    }

    @Test
    void rowsAreMergeGroupsOfPatchesAndColumnsAreChannelFramePatchPixel() {
        // 4x6 patches of 4x4 pixels, merged 2x2: 2x3 groups; 3 frames so that frame order shows.
        int p = 4;
        int m = 2;
        int t = 3;
        VisionInput in = new QwenVlImagePreprocessor(raw(p, t, m), AspectMode.SQUARE).preprocess(coordinates(6 * p, 4 * p));
        assertEquals(4, in.gridRows());
        assertEquals(6, in.gridCols());
        int row = 3 * t * p * p;
        assertEquals(4 * 6 * row, in.pixels().length);
        int r = 0;
        for (int gy = 0; gy < 2; gy++) {
            for (int gx = 0; gx < 3; gx++) {
                for (int my = 0; my < m; my++) {
                    for (int mx = 0; mx < m; mx++, r++) {
                        int py0 = (gy * m + my) * p;
                        int px0 = (gx * m + mx) * p;
                        for (int c = 0; c < 3; c++) {
                            for (int f = 0; f < t; f++) {
                                for (int y = 0; y < p; y++) {
                                    for (int x = 0; x < p; x++) {
                                        float want = c == 0 ? px0 + x : c == 1 ? py0 + y : 200;
                                        int col = ((c * t + f) * p + y) * p + x;
                                        assertEquals(want, in.pixels()[r * row + col],
                                                "row " + r + " channel " + c + " frame " + f + " pixel " + x + "," + y);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void rescaleInDoubleThenNormaliseInFloat32AsNumpyDoes() {
        QwenVlPreprocessorConfig c = QwenVlPreprocessorConfig.qwen25vl();
        BufferedImage im = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        java.util.Arrays.fill(PilResize.pixels(im), 0x80FF01);
        VisionInput in = new QwenVlImagePreprocessor(c, AspectMode.SQUARE).preprocess(im);
        double[] mean = c.mean();
        double[] std = c.std();
        int[] v = {0x80, 0xFF, 0x01};
        for (int ch = 0; ch < 3; ch++) {
            float want = ((float) (v[ch] / 255.0) - (float) mean[ch]) / (float) std[ch];
            assertEquals(want, in.pixels()[ch * 2 * 14 * 14], 0f, "channel " + ch);
        }
    }

    @Test
    void onePixelImageIsUpscaledToMinPixelsNotRefused() {
        BufferedImage im = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        im.setRGB(0, 0, 0x336699);
        VisionInput in = new QwenVlImagePreprocessor(QwenVlPreprocessorConfig.qwen25vl(), AspectMode.SQUARE).preprocess(im);
        assertEquals(4, in.gridRows(), "56x56 pixels: 4x4 patches");
        assertEquals(4, in.gridCols());
        assertEquals(1, in.originalWidth());
        float first = in.pixels()[0];
        for (int i = 0; i < 2 * 14 * 14; i++) {
            assertEquals(first, in.pixels()[i], "a constant image stays constant");
        }
    }

    @Test
    void extremeAspectRatioIsAnImageErrorNamingTheRatio() {
        QwenVlImagePreprocessor p = new QwenVlImagePreprocessor(QwenVlPreprocessorConfig.qwen25vl(), AspectMode.SQUARE);
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> p.preprocess(new BufferedImage(2, 401, BufferedImage.TYPE_INT_RGB)));
        assertTrue(e.getMessage().contains("200.5"), e.getMessage());
        // The same ratio is fine once padded to a square, as DiffusionVL's training pads.
        QwenVlImagePreprocessor padded = new QwenVlImagePreprocessor(
                QwenVlPreprocessorConfig.qwen25vl(), AspectMode.PAD);
        assertArrayEquals(new int[] {28, 28}, padded.patchGrid(2, 401));
    }

    @Test
    void withoutResizeTheImageMustAlreadyFitTheMergeGrid() {
        QwenVlImagePreprocessor p = new QwenVlImagePreprocessor(raw(14, 2, 2), AspectMode.SQUARE);
        assertEquals(2, p.preprocess(coordinates(28, 56)).gridCols());
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> p.preprocess(coordinates(42, 56)));
        assertTrue(e.getMessage().contains("multiples of 28"), e.getMessage());
    }

    @Test
    void topLevelPixelLimitsWinOverSizeAndOldSizeKeysAreRead() throws IOException {
        QwenVlPreprocessorConfig both = QwenVlPreprocessorConfig.read(write("a.json", """
                {"min_pixels": 1000, "max_pixels": 9000, "size": {"shortest_edge": 3136, "longest_edge": 12845056}}"""));
        assertEquals(1000, both.minPixels());
        assertEquals(9000, both.maxPixels());
        QwenVlPreprocessorConfig old = QwenVlPreprocessorConfig.read(write("b.json", """
                {"size": {"min_pixels": 2000, "max_pixels": 8000}, "resample": null, "image_mean": null}"""));
        assertEquals(2000, old.minPixels());
        assertEquals(8000, old.maxPixels());
        assertEquals(ResampleFilter.BICUBIC, old.resample());
        assertArrayEquals(QwenVlPreprocessorConfig.CLIP_MEAN, old.mean());
        QwenVlPreprocessorConfig empty = QwenVlPreprocessorConfig.read(write("c.json", "{}"));
        assertEquals(56 * 56, empty.minPixels());
        assertEquals(28 * 28 * 1280, empty.maxPixels());
    }

    @Test
    void badValuesAreModelFileErrorsNamingFileAndKey() throws IOException {
        String[][] bad = {
            {"{\"resample\": 9}", "resample 9"},
            {"{\"min_pixels\": 5000, \"max_pixels\": 4000}", "max_pixels (size.longest_edge) 4000 is below"},
            {"{\"min_pixels\": \"3136\"}", "min_pixels must be a whole number"},
            {"{\"max_pixels\": 15000.5}", "max_pixels must be a whole number"},
            {"{\"size\": {\"longest_edge\": 100.5}}", "size.longest_edge must be a whole number"},
            {"{\"min_pixels\": 0}", "min_pixels (size.shortest_edge) must be positive"},
            {"{\"patch_size\": 0}", "patch_size must be between 1 and 1024"},
            {"{\"merge_size\": 2.5}", "merge_size must be a whole number"},
            {"{\"image_mean\": [0.5, 0.5]}", "image_mean must be 3 numbers"},
            {"{\"image_std\": [0.5, 0, 0.5]}", "image_std positive"},
            {"{\"do_rescale\": \"yes\"}", "do_rescale must be true or false"},
            {"{\"size\": 448}", "size must be an object"},
            {"{\"image_processor_type\": \"SiglipImageProcessor\"}", "image_processor_type 'SiglipImageProcessor'"},
        };
        for (String[] b : bad) {
            Path f = write("pp.json", b[0]);
            ModelFileException e = assertThrows(ModelFileException.class, () -> QwenVlPreprocessorConfig.read(f), b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + " -> " + e.getMessage());
            assertEquals(f, e.file(), b[0]);
        }
    }

    @Test
    void loadNeedsThePreprocessorFileExceptForDiffusionVl() throws IOException {
        ModelFileException missing = assertThrows(ModelFileException.class, () -> QwenVlImagePreprocessor.load(dir));
        assertEquals(dir.resolve(QwenVlPreprocessorConfig.FILE_NAME), missing.file());

        // DiffusionVL's tower loads Qwen2.5-VL's processor from mm_vision_tower, then imposes its own limits.
        write("config.json", "{\"mm_vision_tower\": \"Qwen/Qwen2.5-VL-3B-Instruct\", \"max_pixels\": 300000}");
        QwenVlPreprocessorConfig c = QwenVlImagePreprocessor.load(dir).config();
        // Given the (absent) processor file instead of the directory, the directory's config.json still counts.
        assertEquals(300000, QwenVlImagePreprocessor.load(dir.resolve(QwenVlPreprocessorConfig.FILE_NAME))
                .config().maxPixels());
        assertEquals(384 * 384, c.minPixels());
        assertEquals(300000, c.maxPixels());
        assertArrayEquals(QwenVlPreprocessorConfig.CLIP_STD, c.std());
        assertNull(c.source());

        write("config.json", "{\"model_type\": \"diffusionvl_qwenvl\", \"min_pixels\": 400000}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> QwenVlImagePreprocessor.load(dir));
        assertEquals(dir.resolve("config.json"), e.file());
        assertTrue(e.getMessage().contains("max_pixels 262144 is below min_pixels 400000"), e.getMessage());

        write("config.json", "{\"model_type\": \"diffusionvl_qwenvl\", \"min_pixels\": \"many\"}");
        e = assertThrows(ModelFileException.class, () -> QwenVlImagePreprocessor.load(dir));
        assertTrue(e.getMessage().contains("min_pixels must be a positive whole number"), e.getMessage());

        // Qwen2.5-VL's own config leaves the processor's limits alone.
        write("config.json", "{\"model_type\": \"qwen2_5_vl\", \"min_pixels\": 400000}");
        QwenVlPreprocessorConfig.qwen25vl().write(dir);
        QwenVlPreprocessorConfig own = QwenVlImagePreprocessor.load(dir.resolve(QwenVlPreprocessorConfig.FILE_NAME)).config();
        assertEquals(3136, own.minPixels());
        assertEquals(12_845_056, own.maxPixels());
    }

    @Test
    void writtenConfigReadsBackEqual() {
        QwenVlPreprocessorConfig c = new QwenVlPreprocessorConfig(null, true, 1000, 5000, ResampleFilter.BILINEAR,
                true, 0.5, false, new double[] {0.1, 0.2, 0.3}, new double[] {0.4, 0.5, 0.6}, 16, 1, 3);
        c.write(dir);
        QwenVlPreprocessorConfig back = QwenVlPreprocessorConfig.read(dir);
        assertEquals(c.withPixels(1000, 5000, back.source()).toString().replaceAll("\\[D@\\w+", ""),
                back.toString().replaceAll("\\[D@\\w+", ""));
        assertArrayEquals(c.mean(), back.mean());
        assertArrayEquals(c.std(), back.std());
    }
}
