package dvlcap.trainer;

import dvlcap.image.VisionInput;
import dvlcap.backend.Backend;
import dvlcap.backend.Backends;
import dvlcap.backend.Tensor;
import dvlcap.model.MapWeightSource;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelDirectory;
import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.decode.RemaskingKind;
import dvlcap.decode.Sequence;
import dvlcap.decode.SequenceFactory;
import dvlcap.decode.Work;
import dvlcap.model.DecodingDefaults;
import dvlcap.nn.InputRows;
import dvlcap.nn.KvCache;
import dvlcap.nn.LlavaModel;
import dvlcap.nn.Segment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's forward pass and the engine's ({@link LlavaModel}) give the same logits on the
 * same weights, within 1e-4, under the causal and the block-causal mask; and a checkpoint the
 * trainer writes loads through the engine's model directory. Under Fast-dVLM's training mask the
 * clean rows are the engine's causal forward, the noisy block rows its bidirectional block
 * forward against a causal cache, and the rows the diffusion loss reads are the rows the
 * speculative and sub-block decoders read.
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

    private static double maxDiff(float[] a, int aRow, float[] b, int bRow, int vocab) {
        double worst = 0;
        for (int v = 0; v < vocab; v++) {
            worst = Math.max(worst, Math.abs(a[aRow * vocab + v] - b[bRow * vocab + v]));
        }
        return worst;
    }

    /** Runs one decoder work item as the scheduler would (one sequence), returning the logits of its rows. */
    private static float[] run(LlavaModel engine, Tensor image, KvCache cache, Work w) {
        int h = engine.config().text().hiddenSize(), n = w.ids().length, vocab = engine.config().text().vocabSize();
        try (Tensor x = engine.backend().allocate(n * h)) {
            InputRows.fill(engine.backend(), engine.lm(), x, 0, w.ids(), w.imageRow0(), image);
            engine.lm().forward(x, List.of(new Segment(cache, w.pos0(), n, w.maskBlock())));
            float[] out = new float[w.logitRows().length * vocab];
            engine.backend().read(engine.lm().logits(x, w.logitRows()), 0, out, 0, out.length);
            return out;
        }
    }

    /** Greedy choices of each row and their softmax probabilities, as the scheduler hands them to a sequence. */
    private static void acceptGreedy(Sequence seq, float[] logits, int vocab) {
        int rows = logits.length / vocab;
        int[] ids = new int[rows];
        float[] conf = new float[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int v = 1; v < vocab; v++) {
                if (logits[r * vocab + v] > logits[r * vocab + best]) {
                    best = v;
                }
            }
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                sum += Math.exp(logits[r * vocab + v] - logits[r * vocab + best]);
            }
            ids[r] = best;
            conf[r] = (float) (1 / sum);
        }
        seq.accept(ids, conf, logits, vocab);
    }

    /**
     * The Fast-dVLM layout of a 9-token prompt and a 7-token answer in blocks of 4, on the aligned
     * grid (a0 a1 a2 a3 | a4 a5 EOS pad) and on a grid shifted by 2 with two complementary noisy
     * copies (a0 a1 | a2 a3 a4 a5 | EOS pad pad pad, twice): the clean rows equal the engine's
     * causal forward of prompt + answer, and each noisy block's rows equal the engine's
     * bidirectional forward of that block (same noisy tokens) against a cache prefilled causally
     * with everything before it, which is the forward both Fast-dVLM decoders run.
     */
    @Test
    void fastDvlmLayoutEqualsTheEnginesCausalAndBlockForwards() {
        ModelConfig c = TinyModels.config(true);
        Parameters p = TinyModels.randomWeights(new LlavaQwenModel(c), 31, 0.5);
        CaptionSample s = TinyModels.sample(32);
        int[] answer = {6, 7, 8, 9, 6, 7, TinyModels.EOS};
        int vocab = TinyModels.VOCAB, promptLen = s.prompt().length, cleanRows = promptLen + answer.length - 1;
        FastDvlmObjective aligned = new FastDvlmObjective(4, TinyModels.MASK, TinyModels.EOS);
        List<TrainingExample> examples = List.of(
                aligned.example(s.pixels(), s.prompt(), answer, 0, new double[]{1.0, 0.5}, new SplittableRandom(3), 1f, 1f),
                aligned.with(true, 1).example(s.pixels(), s.prompt(), answer, 2, new double[]{0.6, 0.5, 1.0},
                        new SplittableRandom(4), 1f, 1f));
        int[] first = examples.get(0).input().tokens();
        assertTrue(first[cleanRows] == 6 && first[cleanRows + 4] == 6 && Arrays.stream(first, cleanRows + 1, cleanRows + 4)
                .allMatch(t -> t == TinyModels.MASK), "aligned block 0 at full noise: inherited a0, then masks");

        int[] full = new int[promptLen + answer.length];
        System.arraycopy(s.prompt(), 0, full, 0, promptLen);
        System.arraycopy(answer, 0, full, promptLen, answer.length);
        int[] ids = engineIds(full);
        try (Backend backend = Backends.create("scalar"); MapWeightSource src = source(p);
             LlavaModel engine = LlavaModel.load(backend, c, src);
             Tensor image = engine.vision().encode(VisionInput.tile(s.pixels()))) {
            float[] causal = engine.fullLogits(Arrays.copyOf(ids, cleanRows), image, 1);
            for (TrainingExample ex : examples) {
                float[] mine = new LlavaQwenModel(c).logits(p, s.pixels(), ex.input());
                FastDvlmMask mask = (FastDvlmMask) ex.input().mask();
                int[] tokens = ex.input().tokens();
                double worst = 0;
                for (int r = 0; r < cleanRows; r++) {
                    worst = Math.max(worst, maxDiff(mine, r, causal, r, vocab));
                }
                int blocks = 0;
                for (int r0 = cleanRows; r0 < tokens.length; ) {
                    int r1 = r0;
                    while (r1 < tokens.length && mask.copy()[r1] == mask.copy()[r0]
                            && mask.blockStart()[r1] == mask.blockStart()[r0]) {
                        r1++;
                    }
                    int start = mask.blockStart()[r0], n = r1 - r0;
                    assertEquals(start, ex.input().positions()[r0], "a block's rows start at its start position");
                    try (KvCache cache = engine.lm().newCache(start + n)) {
                        run(engine, image, cache, new Work(0, Arrays.copyOf(ids, start), 1, new int[]{start - 1}, 0));
                        cache.commit(start);
                        int[] rows = new int[n];
                        for (int i = 0; i < n; i++) {
                            rows[i] = i;
                        }
                        float[] theirs = run(engine, image, cache, new Work(start, Arrays.copyOfRange(tokens, r0, r1),
                                Integer.MAX_VALUE, rows, c.imageTokens()));
                        for (int i = 0; i < n; i++) {
                            worst = Math.max(worst, maxDiff(mine, r0 + i, theirs, i, vocab));
                        }
                    }
                    blocks++;
                    r0 = r1;
                }
                assertEquals(ex == examples.get(0) ? 2 : 6, blocks, "noisy blocks checked");
                assertTrue(worst <= TOLERANCE, "max |trainer - engine| = " + worst);
            }
        }
    }

    /**
     * The first forwards of both Fast-dVLM decoders, driven through the engine's own sequences: the
     * prefill's prediction is the causal target of the answer's first token, and the draft (or first
     * denoising step) reads, for each masked position i, the logits the diffusion loss trains at
     * i: the objective's loss rows are the decoders' logit rows.
     */
    @Test
    void theDecodersReadTheRowsTheFastDvlmLossTrains() {
        ModelConfig c = TinyModels.config(true);
        Parameters p = TinyModels.randomWeights(new LlavaQwenModel(c), 41, 0.5);
        CaptionSample s = TinyModels.sample(42);
        int block = 4, vocab = TinyModels.VOCAB, promptLen = s.prompt().length;
        DecodingDefaults causalLm = new DecodingDefaults(TinyModels.MASK, List.of(TinyModels.EOS), block, null,
                "Describe.", "<image>", true);
        DecodingSettings speculative = DecodingSettings.defaults().withDecoder(DecoderKind.SPECULATIVE)
                .withMaxNewTokens(16);
        DecodingSettings subBlock = DecodingSettings.defaults().withRemasking(RemaskingKind.DYNAMIC, 0.9f)
                .withSubBlock(2, 0.9f).withMaxNewTokens(16);
        try (Backend backend = Backends.create("scalar"); MapWeightSource src = source(p);
             LlavaModel engine = LlavaModel.load(backend, c, src);
             Tensor image = engine.vision().encode(VisionInput.tile(s.pixels()))) {
            for (DecodingSettings settings : List.of(speculative, subBlock)) {
                SequenceFactory factory = new SequenceFactory(settings, causalLm);
                int[] prompt = engineIds(s.prompt());
                try (KvCache cache = engine.lm().newCache(factory.capacity(prompt.length))) {
                    Sequence seq = factory.create("s", prompt, cache);
                    Work prefill = seq.next();
                    float[] first = run(engine, image, cache, prefill);
                    acceptGreedy(seq, first, vocab);
                    int a0 = seq.answer()[0];
                    Work draft = seq.next();
                    float[] theirs = run(engine, image, cache, draft);

                    // The training example whose answer starts with the decoder's a0, its first block at full noise.
                    int[] answer = {a0, 1, 2, 3, 4, TinyModels.EOS};
                    TrainingExample ex = new FastDvlmObjective(block, TinyModels.MASK, TinyModels.EOS).example(
                            s.pixels(), s.prompt(), answer, new double[]{1.0, 1.0}, new SplittableRandom(1), 1f, 1f);
                    float[] mine = new LlavaQwenModel(c).logits(p, s.pixels(), ex.input());
                    LossTargets t = ex.targets();
                    List<Integer> diffusionRows = new ArrayList<>();
                    int cleanRows = promptLen + answer.length - 1;
                    for (int i = 0; i < t.size(); i++) {
                        if (t.rows()[i] >= cleanRows && t.rows()[i] < cleanRows + block) {
                            diffusionRows.add(t.rows()[i]);
                        }
                    }
                    assertEquals(t.rows()[0], promptLen - 1, "the first causal target is read at the prompt's last row");
                    assertEquals(a0, t.tokens()[0]);
                    assertTrue(maxDiff(mine, promptLen - 1, first, 0, vocab) <= TOLERANCE, "prefill row");
                    assertEquals(block - 1, diffusionRows.size(), "block 0's masked positions 1..3");
                    assertEquals(diffusionRows.size(), draft.logitRows().length, settings.decoder() + " rows");
                    for (int j = 0; j < diffusionRows.size(); j++) {
                        double d = maxDiff(mine, diffusionRows.get(j), theirs, j, vocab);
                        assertTrue(d <= TOLERANCE, settings.decoder() + " masked position " + (j + 1) + ": " + d);
                    }
                }
            }
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
