package dvlcap.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dvlcap.model.SafetensorsFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dvlcap's qwen2.5-vl image processor against transformers' slow {@code Qwen2VLImageProcessor} (fixtures by
 * parity/fx_qwen_pixels.py): pixel_values within 1e-6, grids exact, the same refusals, smart_resize's
 * sizes for a table of awkward sizes and limits, and DiffusionVL's pixel limits read from its config.json.
 */
class QwenVlPixelParityTest {
    static final double PIXEL_TOLERANCE = 1e-6;
    static Path root;
    static JsonNode cases;

    @BeforeAll
    static void fixtures() throws IOException, URISyntaxException {
        root = Path.of(QwenVlPixelParityTest.class.getResource("/parity/qwen_pixels/cases.json").toURI()).getParent();
        cases = new ObjectMapper().readTree(root.resolve("cases.json").toFile());
    }

    static BufferedImage decode(String png) throws IOException {
        return new ImageDecoder().decode(Files.readAllBytes(root.resolve(png)), png);
    }

    @Test
    void pixelValuesAndGridsMatchTransformersWithin1e6() throws IOException {
        double worst = 0;
        int compared = 0;
        try (SafetensorsFile pixels = SafetensorsFile.open(root.resolve("pixels.safetensors"))) {
            for (JsonNode c : cases.get("cases")) {
                if (c.has("error")) {
                    continue;
                }
                String name = c.get("name").asText();
                QwenVlImagePreprocessor p = new QwenVlImagePreprocessor(
                        QwenVlPreprocessorConfig.read(root.resolve(c.get("config").asText())),
                        c.get("pad").asBoolean() ? AspectMode.PAD : AspectMode.SQUARE);
                VisionInput in = p.preprocess(decode(c.get("png").asText()));
                int rows = c.get("grid_thw").get(1).asInt();
                int cols = c.get("grid_thw").get(2).asInt();
                assertEquals(1, c.get("grid_thw").get(0).asInt(), name);
                assertEquals(rows, in.gridRows(), name + " grid rows");
                assertEquals(cols, in.gridCols(), name + " grid cols");
                assertEquals(c.get("width").asInt(), in.originalWidth(), name);
                assertEquals(c.get("height").asInt(), in.originalHeight(), name);
                float[] expected = pixels.floats(name, (long) rows * cols, 3 * 2 * 14 * 14);
                assertEquals(expected.length, in.pixels().length, name + " length");
                double max = 0;
                for (int i = 0; i < expected.length; i++) {
                    max = Math.max(max, Math.abs(expected[i] - in.pixels()[i]));
                }
                assertTrue(max <= PIXEL_TOLERANCE, name + ": max |delta| " + max);
                worst = Math.max(worst, max);
                compared++;
            }
        }
        assertEquals(11, compared, "every pixel fixture compared");
        System.out.printf("qwen2.5-vl pixels: %d images, max |delta| %.3g%n", compared, worst);
    }

    @Test
    void imagesTransformersRefusesAreImageDecodeErrors() throws IOException {
        int refused = 0;
        for (JsonNode c : cases.get("cases")) {
            if (!c.has("error")) {
                continue;
            }
            QwenVlImagePreprocessor p = new QwenVlImagePreprocessor(
                    QwenVlPreprocessorConfig.read(root.resolve(c.get("config").asText())), AspectMode.SQUARE);
            BufferedImage img = decode(c.get("png").asText());
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> p.preprocess(img),
                    c.get("name").asText());
            assertTrue(e.getMessage().contains("aspect ratio"), e.getMessage());
            refused++;
        }
        assertEquals(2, refused);
    }

    @Test
    void smartResizeMatchesTransformersOnEverySizeAndLimit() {
        int rows = 0;
        for (JsonNode r : cases.get("smart_resize")) {
            int h = r.get("height").asInt();
            int w = r.get("width").asInt();
            long min = r.get("min_pixels").asLong();
            long max = r.get("max_pixels").asLong();
            String what = w + "x" + h + " in [" + min + ", " + max + "]";
            if (r.has("error")) {
                assertThrows(IllegalArgumentException.class, () -> SmartResize.of(h, w, 28, min, max), what);
            } else {
                SmartResize.Size s = SmartResize.of(h, w, 28, min, max);
                assertArrayEquals(new int[] {r.get("resized").get(0).asInt(), r.get("resized").get(1).asInt()},
                        new int[] {s.height(), s.width()}, what);
            }
            rows++;
        }
        assertEquals(180, rows);
    }

    @Test
    void diffusionVlDirectoriesTakeTheTowersPixelLimitsFromConfigJson() {
        int checked = 0;
        for (JsonNode d : cases.get("diffusionvl")) {
            QwenVlImagePreprocessor p = QwenVlImagePreprocessor.load(root.resolve(d.get("dir").asText()));
            int w = d.get("width").asInt();
            int h = d.get("height").asInt();
            VisionInput in = p.preprocess(PilResizeTest.pattern(w, h));
            String what = d.get("dir").asText() + " " + w + "x" + h;
            assertEquals(d.get("grid_thw").get(1).asInt(), in.gridRows(), what);
            assertEquals(d.get("grid_thw").get(2).asInt(), in.gridCols(), what);
            assertArrayEquals(new int[] {in.gridRows(), in.gridCols()}, p.patchGrid(w, h), what + " patchGrid");
            double sum = 0;
            double abs = 0;
            for (float v : in.pixels()) {
                sum += v;
                abs += Math.abs(v);
            }
            // Sums over up to 1.2M values: a 1e-6 error on each would move them by about 1; agreement is far closer.
            assertEquals(d.get("sum").asDouble(), sum, 1e-3, what + " sum");
            assertEquals(d.get("abs_sum").asDouble(), abs, 1e-3, what + " abs sum");
            checked++;
        }
        assertEquals(12, checked);
        QwenVlPreprocessorConfig defaults = QwenVlImagePreprocessor.load(root.resolve("diffusionvl")).config();
        assertEquals(384 * 384, defaults.minPixels());
        assertEquals(512 * 512, defaults.maxPixels());
        assertEquals(root.resolve("diffusionvl").resolve("preprocessor_config.json"), defaults.source());
    }

    @Test
    void qwen25vlReleaseFileReadsAsTheReleaseSetsIt() {
        QwenVlPreprocessorConfig c = QwenVlImagePreprocessor.load(root.resolve("qwen25vl")).config();
        assertEquals(3136, c.minPixels());
        assertEquals(12_845_056, c.maxPixels());
        assertEquals(14, c.patchSize());
        assertEquals(2, c.temporalPatchSize());
        assertEquals(2, c.mergeSize());
        assertEquals(ResampleFilter.BICUBIC, c.resample());
        assertArrayEquals(QwenVlPreprocessorConfig.CLIP_MEAN, c.mean());
        assertArrayEquals(QwenVlPreprocessorConfig.CLIP_STD, c.std());
        assertTrue(c.doResize() && c.doRescale() && c.doNormalize());
        assertEquals(1 / 255.0, c.rescaleFactor());
        QwenVlPreprocessorConfig small = QwenVlPreprocessorConfig.read(root.resolve("small"));
        assertEquals(1568, small.minPixels());
        assertEquals(6272, small.maxPixels());
        assertArrayEquals(new double[] {0.2, 0.25, 0.3}, small.std());
    }
}
