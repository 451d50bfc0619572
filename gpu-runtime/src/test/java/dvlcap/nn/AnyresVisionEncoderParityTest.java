package dvlcap.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dvlcap.backend.Backend;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.backend.VectorBackend;
import dvlcap.image.AnyresPreprocessor;
import dvlcap.image.PreprocessorConfig;
import dvlcap.image.VisionInput;
import dvlcap.model.ImageTiling;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.SafetensorsFile;
import dvlcap.testing.AnyresFixture;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * LLaVA anyres on a tiny DiffusionVL-Qwen2.5-7B-shaped model against DiffusionVL's own code
 * (parity/fx_anyres.py): the image rows of prepare_inputs_labels_for_multimodal (tower and projector per
 * tile, grid, unpad, anyres_max shrink, newline rows, base first) and the LM's logits over a prompt with
 * those rows, within 1e-4 of their scale, argmax identical.
 */
class AnyresVisionEncoderParityTest {
    private static final double FEATURES = 1e-4, LOGITS = 1e-4;

    private static Backend backend(String name) {
        return name.equals("scalar") ? new ScalarBackend() : new VectorBackend();
    }

    private static VisionInput fixtureInput(AnyresFixture fx, JsonNode c, int tile) {
        int rows = c.get("gridRows").asInt(), cols = c.get("gridCols").asInt();
        float[] px = fx.pixels.floats(c.get("name").asText(), 1 + rows * cols, 3, tile, tile);
        return new VisionInput(px, rows, cols, c.get("width").asInt(), c.get("height").asInt());
    }

    private static float[] read(Backend b, Tensor t, int n) {
        float[] out = new float[n];
        b.read(t, 0, out, 0, n);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void imageRowsMatchTheReleaseCode(String backendName) {
        try (AnyresFixture fx = new AnyresFixture(); Backend b = backend(backendName);
             SafetensorsFile weights = SafetensorsFile.open(fx.modelDir().resolve("model.safetensors"))) {
            ModelConfig config = ModelConfigReader.read(fx.modelDir().resolve("config.json"));
            int h = config.text().hiddenSize(), tile = config.vision().imageSize();
            try (VisionEncoder enc = VisionEncoders.load(b, config, weights)) {
                assertInstanceOf(AnyresVisionEncoder.class, enc);
                for (JsonNode c : fx.cases()) {
                    String name = c.get("name").asText();
                    VisionInput in = fixtureInput(fx, c, tile);
                    int tokens = c.get("tokens").asInt();
                    assertEquals(tokens, enc.tokens(in), name);
                    try (Tensor f = enc.encode(in)) {
                        assertEquals(tokens * h, f.size(), name);
                        double d = AnyresFixture.relativeDiff(read(b, f, tokens * h), fx.features.floats(name, tokens, h));
                        assertTrue(d <= FEATURES, name + ": features max|d|/max|ref| " + d);
                        System.out.printf("anyres %s features %s: %d rows, max|d|/max|ref| %.2e%n", backendName, name,
                                tokens, d);
                    }
                }
            }
        }
    }

    @Test
    void otherAspectRatiosAndMergeTypesMatchTheReleaseCode() {
        try (AnyresFixture fx = new AnyresFixture(); Backend b = new VectorBackend();
             SafetensorsFile weights = SafetensorsFile.open(fx.modelDir().resolve("model.safetensors"))) {
            ModelConfig base = ModelConfigReader.read(fx.modelDir().resolve("config.json"));
            int h = base.text().hiddenSize(), tile = base.vision().imageSize();
            int checked = 0;
            for (JsonNode c : fx.cases()) {
                VisionInput in = fixtureInput(fx, c, tile);
                for (JsonNode v : c.get("variants")) {
                    String aspect = v.get("imageAspectRatio").asText(), merge = v.get("mergeType").asText();
                    ModelConfig config = withTiling(base, aspect,
                            ImageTiling.of(aspect, base.tiling().pinpoints(), merge, tile));
                    String key = v.get("key").asText();
                    int tokens = v.get("tokens").asInt();
                    try (VisionEncoder enc = VisionEncoders.load(b, config, weights); Tensor f = enc.encode(in)) {
                        assertEquals(tokens, enc.tokens(in), key);
                        double d = AnyresFixture.relativeDiff(read(b, f, tokens * h), fx.features.floats(key, tokens, h));
                        assertTrue(d <= FEATURES, key + ": features max|d|/max|ref| " + d);
                        System.out.printf("anyres features %s: %d rows, max|d|/max|ref| %.2e%n", key, tokens, d);
                    }
                    checked++;
                }
            }
            assertEquals(5, checked, "flat, spatial, spatial_unpad_nobase, spatial_maxpool2x2, anyres_max_1");
        }
    }

    @Test
    void untiledImageMergedSpatialUnpadGetsOneNewlineRowAsTheReleaseCodeDoes() {
        try (AnyresFixture fx = new AnyresFixture(); Backend b = new VectorBackend();
             SafetensorsFile weights = SafetensorsFile.open(fx.modelDir().resolve("model.safetensors"))) {
            ModelConfig base = ModelConfigReader.read(fx.modelDir().resolve("config.json"));
            int h = base.text().hiddenSize(), tile = base.vision().imageSize();
            JsonNode u = fx.cases().stream().filter(c -> c.has("untiled")).findFirst().orElseThrow().get("untiled");
            String aspect = u.get("imageAspectRatio").asText();
            ModelConfig config = withTiling(base, aspect, ImageTiling.of(aspect, List.of(), u.get("mergeType").asText(), tile));
            VisionInput in = VisionInput.tile(fx.pixels.floats(u.get("pixels").asText(), 3, tile, tile));
            int tokens = u.get("tokens").asInt();
            try (VisionEncoder enc = VisionEncoders.load(b, config, weights); Tensor f = enc.encode(in)) {
                assertInstanceOf(AnyresVisionEncoder.class, enc);
                assertEquals(tokens, enc.tokens(in));
                assertEquals(config.vision().numPatches() + 1, tokens);
                double d = AnyresFixture.relativeDiff(read(b, f, tokens * h),
                        fx.features.floats(u.get("key").asText(), tokens, h));
                assertTrue(d <= FEATURES, "untiled: " + d);
                System.out.printf("anyres features %s: %d rows, max|d|/max|ref| %.2e%n", u.get("key").asText(), tokens, d);
            }
        }
    }

    @Test
    void javaPreprocessedImagesGiveTheReleaseCodesRows() throws IOException {
        try (AnyresFixture fx = new AnyresFixture(); Backend b = new VectorBackend();
             SafetensorsFile weights = SafetensorsFile.open(fx.modelDir().resolve("model.safetensors"))) {
            ModelConfig config = ModelConfigReader.read(fx.modelDir().resolve("config.json"));
            int h = config.text().hiddenSize();
            AnyresPreprocessor pre = new AnyresPreprocessor(PreprocessorConfig.siglip(config.vision().imageSize()),
                    config.vision(), config.tiling().pinpoints());
            try (VisionEncoder enc = VisionEncoders.load(b, config, weights)) {
                for (JsonNode c : fx.cases()) {
                    String name = c.get("name").asText();
                    VisionInput in = pre.preprocess(ImageIO.read(fx.image(name).toFile()));
                    int tokens = c.get("tokens").asInt();
                    try (Tensor f = enc.encode(in)) {
                        double d = AnyresFixture.relativeDiff(read(b, f, tokens * h), fx.features.floats(name, tokens, h));
                        assertTrue(d <= FEATURES, name + ": " + d);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 1})
    void logitsOverAPromptWithTheImageMatchTheReleaseCode(int block) {
        try (AnyresFixture fx = new AnyresFixture(); Backend b = new VectorBackend();
             SafetensorsFile weights = SafetensorsFile.open(fx.modelDir().resolve("model.safetensors"))) {
            ModelConfig config = ModelConfigReader.read(fx.modelDir().resolve("config.json"));
            int vocab = config.text().vocabSize(), tile = config.vision().imageSize();
            try (LlavaModel model = LlavaModel.load(b, config, weights)) {
                for (JsonNode c : fx.cases()) {
                    String name = c.get("name").asText();
                    VisionInput in = fixtureInput(fx, c, tile);
                    int[] before = AnyresFixture.ints(c.get("promptBefore")), after = AnyresFixture.ints(c.get("promptAfter"));
                    int rows = model.vision().tokens(in);
                    int[] ids = new int[before.length + rows + after.length];
                    System.arraycopy(before, 0, ids, 0, before.length);
                    Arrays.fill(ids, before.length, before.length + rows, InputRows.IMAGE);
                    System.arraycopy(after, 0, ids, before.length + rows, after.length);
                    float[] logits;
                    try (Tensor image = model.vision().encode(in)) {
                        logits = model.fullLogits(ids, image, block);
                    }
                    int n = ids.length;
                    float[] last = Arrays.copyOfRange(logits, (n - 8) * vocab, n * vocab);
                    double d = AnyresFixture.relativeDiff(last, fx.logits.floats(name + "/b" + block, 8, vocab));
                    assertTrue(d <= LOGITS, name + " block " + block + ": logits max|d|/max|ref| " + d);
                    System.out.printf("anyres logits %s block %d: max|d|/max|ref| %.2e%n", name, block, d);
                    assertArrayEquals(AnyresFixture.ints(c.get("argmax_b" + block)), argmax(logits, n, vocab),
                            name + " block " + block);
                }
            }
        }
    }

    private static int[] argmax(float[] logits, int rows, int vocab) {
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int v = 1; v < vocab; v++) {
                if (logits[r * vocab + v] > logits[r * vocab + best]) {
                    best = v;
                }
            }
            out[r] = best;
        }
        return out;
    }

    @Test
    void rowCountsAtThe384PixelTilesOfTheRelease() {
        try (AnyresFixture fx = new AnyresFixture()) {
            JsonNode geo = fx.meta.get("geometry384");
            List<ImageTiling.Resolution> pins = ImageTiling.expandGrid(geo.get("pinpoints").asText(), 384);
            ImageTiling max4 = ImageTiling.of("anyres_max_4", pins, "spatial_unpad", 384);
            ImageTiling plain = ImageTiling.of("anyres", pins, "spatial_unpad", 384);
            for (JsonNode g : geo.get("sizes")) {
                int w = g.get("width").asInt(), hh = g.get("height").asInt();
                int rows = g.get("gridRows").asInt(), cols = g.get("gridCols").asInt();
                String what = w + "x" + hh;
                assertEquals(g.get("tokens").asInt(), AnyresLayout.of(max4, 27, rows, cols, w, hh).tokens(), what);
                assertEquals(g.get("tokensAnyres").asInt(), AnyresLayout.of(plain, 27, rows, cols, w, hh).tokens(), what);
            }
        }
    }

    static ModelConfig withTiling(ModelConfig c, String aspect, ImageTiling tiling) {
        return new ModelConfig(c.family(), c.text(), c.vision(), c.projectorHidden(), c.visionFeatureLayer(),
                c.decoding(), aspect, tiling);
    }
}
