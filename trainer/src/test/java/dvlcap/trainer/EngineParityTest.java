package dvlcap.trainer;

import dvlcap.image.VisionInput;
import dvlcap.backend.Backend;
import dvlcap.backend.Backends;
import dvlcap.backend.Tensor;
import dvlcap.model.MapWeightSource;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelDirectory;
import dvlcap.nn.InputRows;
import dvlcap.nn.LlavaModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's forward pass and the engine's ({@link LlavaModel}) give the same logits on the
 * same weights, within 1e-4, under the causal and the block-causal mask; and a checkpoint the
 * trainer writes loads through the engine's model directory.
 */
class EngineParityTest {
    private static final double TOLERANCE = 1e-4;

    private static MapWeightSource source(Parameters p) {
        MapWeightSource s = new MapWeightSource("trainer parameters");
        for (String name : p.names()) {
            int[] shape = p.shape(name);
            long[] l = new long[shape.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = shape[i];
            }
            s.put(name, p.get(name), l);
        }
        return s;
    }

    /** Engine ids mark every image row with one id and take features in order. */
    private static int[] engineIds(int[] tokens) {
        int[] ids = tokens.clone();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) {
                ids[i] = InputRows.IMAGE;
            }
        }
        return ids;
    }

    private static void assertSameLogits(ModelConfig c, Parameters p, LlavaModel engine, float[] pixels, int[] tokens,
                                         int block) {
        int n = tokens.length;
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) {
            pos[i] = i;
        }
        AttentionMask mask = block == 1 ? AttentionMask.causal() : (q, k) -> k / block <= q / block;
        float[] mine = new LlavaQwenModel(c).logits(p, pixels, new LmInput(tokens, pos, mask));
        float[] theirs;
        try (Tensor image = engine.vision().encode(VisionInput.tile(pixels))) {
            theirs = engine.fullLogits(engineIds(tokens), image, block);
        }
        assertEquals(theirs.length, mine.length);
        double worst = 0, scale = 0;
        for (int i = 0; i < mine.length; i++) {
            worst = Math.max(worst, Math.abs(mine[i] - theirs[i]));
            scale = Math.max(scale, Math.abs(theirs[i]));
        }
        assertTrue(scale > 0.1, "logits are not trivially small");
        assertTrue(worst <= TOLERANCE, "max |trainer - engine| = " + worst + " (block " + block + ")");
    }

    private static void checkBothMasks(ModelConfig c, Parameters p, float[] pixels, int[] tokens) {
        try (Backend backend = Backends.create("scalar"); MapWeightSource src = source(p);
             LlavaModel engine = LlavaModel.load(backend, c, src)) {
            assertSameLogits(c, p, engine, pixels, tokens, 1);
            assertSameLogits(c, p, engine, pixels, tokens, 4);
        }
    }

    @Test
    void logitsEqualTheEnginesOnATinyRandomModel() {
        for (boolean tied : new boolean[]{true, false}) {
            ModelConfig c = TinyModels.config(tied);
            Parameters p = TinyModels.randomWeights(new LlavaQwenModel(c), 21, 0.5);
            CaptionSample s = TinyModels.sample(22);
            int[] tokens = new int[s.prompt().length + s.answer().length];
            System.arraycopy(s.prompt(), 0, tokens, 0, s.prompt().length);
            System.arraycopy(s.answer(), 0, tokens, s.prompt().length, s.answer().length);
            tokens[tokens.length - 2] = TinyModels.MASK; // the mask row is an ordinary embedding row
            checkBothMasks(c, p, s.pixels(), tokens);
        }
    }

    @Test
    void writtenCheckpointLoadsThroughTheEngineWithTheSameLogits(@TempDir Path dir) {
        // A micro-shape AR checkpoint as TrainCommand writes it, weights random.
        java.util.List<String> words = java.util.List.of(Vocabulary.UNK, ".", "a", "circle", "red");
        CheckpointFiles.writeTokenizer(dir, words);
        CheckpointFiles.writePreprocessor(dir, ModelShape.MICRO.imageSize());
        ModelConfig c = CheckpointFiles.writeConfig(dir, CheckpointFiles.arConfig(ModelShape.MICRO, words.size() + 5,
                words.size() + 2, "Describe this image in detail."));
        LlavaQwenModel model = new LlavaQwenModel(c);
        Parameters p = model.declare();
        Initializer.normal(p, new SplittableRandom(3), 0.2);
        CheckpointFiles.writeWeights(dir, p);

        float[] pixels = GradientCheck.random(new SplittableRandom(4), 3 * 64 * 64, 1.0);
        int[] tokens = new int[3 + c.imageTokens() + 4];
        tokens[0] = words.size() + 1;
        tokens[1] = 2;
        tokens[2] = 3;
        for (int i = 0; i < c.imageTokens(); i++) {
            tokens[3 + i] = LmInput.imageRow(i);
        }
        tokens[tokens.length - 4] = 4;
        tokens[tokens.length - 3] = 3;
        tokens[tokens.length - 2] = 1;
        tokens[tokens.length - 1] = words.size() + 2;
        try (ModelDirectory md = ModelDirectory.open(dir); Backend backend = Backends.create("scalar");
             LlavaModel engine = LlavaModel.load(backend, md.config(), md.weights())) {
            Parameters loaded = model.declare();
            CheckpointFiles.readWeights(md.weights(), loaded);
            assertSameLogits(md.config(), loaded, engine, pixels, tokens, 1);
            assertEquals(p.norm(), loaded.norm(), 0.0, "weights round-trip exactly (F32)");
        }
    }
}
