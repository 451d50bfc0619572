package dvlcap.trainer;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every layer kind's backward pass equals finite differences of its forward pass (tolerances in
 * {@link GradientCheck}), for its parameters and for its input "x". The loss is a fixed random
 * projection of the output, so dL/dy is that projection.
 */
class LayerGradientTest {
    private static final int ROWS = 5;

    /**
     * @param forward output of the layer for the store (input under "x")
     * @param backward given the store, the gradient store and dL/dy: accumulates parameter
     *        gradients and returns dL/dx
     */
    private static void checkLayer(Parameters p, int outSize, Function<Parameters, float[]> forward,
                                   Backward backward) {
        float[] w = GradientCheck.random(new SplittableRandom(99), outSize, 1.0);
        Parameters g = p.zerosLike();
        float[] dx = backward.apply(p, g, w);
        System.arraycopy(dx, 0, g.get("x"), 0, dx.length);
        double worst = GradientCheck.check(p, g, q -> GradientCheck.project(forward.apply(q), w), 40);
        assertTrue(worst <= 1.0, "worst error / allowed " + worst);
    }

    @FunctionalInterface
    interface Backward {
        float[] apply(Parameters p, Parameters g, float[] dy);
    }

    private static Parameters store(int inputSize, java.util.function.Consumer<Parameters> declare, long seed) {
        Parameters p = new Parameters();
        p.add("x", inputSize);
        declare.accept(p);
        GradientCheck.fill(p, new SplittableRandom(seed), 1.0);
        return p;
    }

    @Test
    void linearWithBiasMatchesFiniteDifferences() {
        Linear l = Linear.of("l", 6, 4, true);
        Parameters p = store(ROWS * 6, l::declare, 1);
        checkLayer(p, ROWS * 4, q -> l.forward(q, q.get("x"), ROWS), (q, g, dy) -> l.backward(q, g, q.get("x"), dy, ROWS));
    }

    @Test
    void linearWithoutBiasMatchesFiniteDifferences() {
        Linear l = Linear.of("l", 9, 3, false);
        Parameters p = store(ROWS * 9, l::declare, 2);
        checkLayer(p, ROWS * 3, q -> l.forward(q, q.get("x"), ROWS), (q, g, dy) -> l.backward(q, g, q.get("x"), dy, ROWS));
    }

    @Test
    void layerNormMatchesFiniteDifferences() {
        LayerNorm n = LayerNorm.of("n", 8, 1e-6f);
        Parameters p = store(ROWS * 8, n::declare, 3);
        checkLayer(p, ROWS * 8, q -> n.forward(q, q.get("x"), ROWS).y(),
                (q, g, dy) -> n.backward(q, g, n.forward(q, q.get("x"), ROWS), dy, ROWS));
    }

    @Test
    void rmsNormMatchesFiniteDifferences() {
        RmsNorm n = new RmsNorm("n.weight", 8, 1e-6f);
        Parameters p = store(ROWS * 8, n::declare, 4);
        checkLayer(p, ROWS * 8, q -> n.forward(q, q.get("x"), ROWS).y(),
                (q, g, dy) -> n.backward(q, g, n.forward(q, q.get("x"), ROWS), dy, ROWS));
    }

    @Test
    void ropeMatchesFiniteDifferences() {
        Rope rope = new Rope(8, 10000);
        int[] pos = {0, 3, 7, 20, 100};
        Parameters p = store(ROWS * 16, q -> { }, 5);
        checkLayer(p, ROWS * 16, q -> {
            float[] x = q.get("x").clone();
            rope.forward(x, ROWS, 2, pos);
            return x;
        }, (q, g, dy) -> {
            float[] d = dy.clone();
            rope.backward(d, ROWS, 2, pos);
            return d;
        });
    }

    /** q, k and v packed in "x" as [q | k | v] so all three inputs are checked. */
    private static void checkAttention(AttentionMask mask, int heads, int kvHeads, int hd, long seed) {
        ScaledDotAttention a = new ScaledDotAttention(heads, kvHeads, hd);
        int qn = ROWS * heads * hd, kn = ROWS * kvHeads * hd;
        Parameters p = store(qn + 2 * kn, q -> { }, seed);
        Function<float[], float[][]> split = x -> new float[][]{
                java.util.Arrays.copyOfRange(x, 0, qn), java.util.Arrays.copyOfRange(x, qn, qn + kn),
                java.util.Arrays.copyOfRange(x, qn + kn, qn + 2 * kn)};
        checkLayer(p, qn, q -> {
            float[][] s = split.apply(q.get("x"));
            return a.forward(s[0], s[1], s[2], ROWS, mask).out();
        }, (q, g, dy) -> {
            float[][] s = split.apply(q.get("x"));
            ScaledDotAttention.Grads d = a.backward(a.forward(s[0], s[1], s[2], ROWS, mask), s[0], s[1], s[2], dy, ROWS);
            float[] dx = new float[qn + 2 * kn];
            System.arraycopy(d.dq(), 0, dx, 0, qn);
            System.arraycopy(d.dk(), 0, dx, qn, kn);
            System.arraycopy(d.dv(), 0, dx, qn + kn, kn);
            return dx;
        });
    }

    @Test
    void bidirectionalAttentionMatchesFiniteDifferences() {
        checkAttention(AttentionMask.full(), 2, 2, 4, 6);
    }

    @Test
    void causalGroupedQueryAttentionMatchesFiniteDifferences() {
        checkAttention(AttentionMask.causal(), 4, 2, 4, 7);
    }

    @Test
    void bd3MaskedAttentionMatchesFiniteDifferences() {
        // rows: clean prefix pos 0-1, noisy pos 2-3 (block 1), clean pos 2-3... with block 2, 5 rows
        int[] pos = {0, 1, 2, 2, 3};
        boolean[] noisy = {false, false, true, false, false};
        checkAttention(new Bd3Mask(pos, noisy, 2), 4, 1, 4, 8);
    }

    @Test
    void qwen2SelfAttentionWithRopeMatchesFiniteDifferences() {
        dvlcap.model.TextConfig c = new dvlcap.model.TextConfig(10, 8, 12, 1, 4, 2, 4, 1e-6f, 10000f, 64, true);
        SelfAttention a = Qwen2Layer.of(0, c).attention();
        int[] pos = {0, 1, 2, 3, 4};
        Parameters p = store(ROWS * 8, a::declare, 9);
        checkLayer(p, ROWS * 8, q -> a.forward(q, q.get("x"), ROWS, pos, AttentionMask.causal()).y(),
                (q, g, dy) -> a.backward(q, g, a.forward(q, q.get("x"), ROWS, pos, AttentionMask.causal()), dy, ROWS, pos));
    }

    @Test
    void geluTanhMlpMatchesFiniteDifferences() {
        checkGeluMlp(Gelu.TANH, 10);
    }

    @Test
    void geluErfProjectorMatchesFiniteDifferences() {
        checkGeluMlp(Gelu.ERF, 11);
    }

    private static void checkGeluMlp(Gelu gelu, long seed) {
        GeluMlp m = new GeluMlp(Linear.of("fc1", 6, 10, true), Linear.of("fc2", 10, 6, true), gelu);
        Parameters p = store(ROWS * 6, m::declare, seed);
        checkLayer(p, ROWS * 6, q -> m.forward(q, q.get("x"), ROWS).y(),
                (q, g, dy) -> m.backward(q, g, m.forward(q, q.get("x"), ROWS), dy, ROWS));
    }

    @Test
    void swiGluMlpMatchesFiniteDifferences() {
        SwiGluMlp m = new SwiGluMlp(Linear.of("g", 6, 10, false), Linear.of("u", 6, 10, false), Linear.of("d", 10, 6, false));
        Parameters p = store(ROWS * 6, m::declare, 12);
        checkLayer(p, ROWS * 6, q -> m.forward(q, q.get("x"), ROWS).y(),
                (q, g, dy) -> m.backward(q, g, m.forward(q, q.get("x"), ROWS), dy, ROWS));
    }

    @Test
    void siglipEncoderLayerMatchesFiniteDifferences() {
        SiglipLayer l = SiglipLayer.of("v", 8, 16, 2, 1e-6f);
        Parameters p = store(ROWS * 8, l::declare, 13);
        checkLayer(p, ROWS * 8, q -> l.forward(q, q.get("x"), ROWS).out(),
                (q, g, dy) -> l.backward(q, g, l.forward(q, q.get("x"), ROWS), dy, ROWS));
    }

    @Test
    void qwen2DecoderLayerMatchesFiniteDifferences() {
        dvlcap.model.TextConfig c = new dvlcap.model.TextConfig(10, 8, 12, 1, 4, 2, 4, 1e-6f, 10000f, 64, true);
        Qwen2Layer l = Qwen2Layer.of(0, c);
        int[] pos = {0, 1, 2, 3, 4};
        Parameters p = store(ROWS * 8, l::declare, 14);
        checkLayer(p, ROWS * 8, q -> l.forward(q, q.get("x"), ROWS, pos, AttentionMask.causal()).out(),
                (q, g, dy) -> l.backward(q, g, l.forward(q, q.get("x"), ROWS, pos, AttentionMask.causal()), dy, ROWS, pos));
    }

    @Test
    void patchEmbeddingMatchesFiniteDifferences() {
        // Pixels get no gradient (nothing upstream), so only the conv and position tensors are checked.
        dvlcap.model.VisionConfig c = new dvlcap.model.VisionConfig(4, 8, 1, 2, 8, 4, 3, 1e-6f, true);
        PatchEmbedding e = new PatchEmbedding("e.", c);
        Parameters p = new Parameters();
        e.declare(p);
        GradientCheck.fill(p, new SplittableRandom(15), 1.0);
        float[] patches = e.patches(GradientCheck.random(new SplittableRandom(17), 3 * 8 * 8, 1.0));
        float[] w = GradientCheck.random(new SplittableRandom(99), c.numPatches() * 4, 1.0);
        Parameters g = p.zerosLike();
        e.backward(g, patches, w);
        double worst = GradientCheck.check(p, g, q -> GradientCheck.project(e.forward(q, patches), w), 40);
        assertTrue(worst <= 1.0);
    }

    @Test
    void patchVectorsAreChannelMajorThenRowThenColumn() {
        dvlcap.model.VisionConfig c = new dvlcap.model.VisionConfig(4, 8, 1, 2, 4, 2, 3, 1e-6f, true);
        float[] pixels = new float[3 * 4 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i;
        }
        float[] patches = new PatchEmbedding("e.", c).patches(pixels);
        // patch (gy=1, gx=0) is the third; its element c*4 + y*2 + x is pixel [c, 2 + y, x]
        int base = 2 * 12;
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 2; x++) {
                    org.junit.jupiter.api.Assertions.assertEquals(ch * 16 + (2 + y) * 4 + x, patches[base + ch * 4 + y * 2 + x]);
                }
            }
        }
    }

    @Test
    void checkerRejectsAGradientTenPercentOff() {
        Linear l = Linear.of("l", 4, 3, true);
        Parameters p = store(ROWS * 4, l::declare, 18);
        float[] w = GradientCheck.random(new SplittableRandom(99), ROWS * 3, 1.0);
        Parameters g = p.zerosLike();
        System.arraycopy(l.backward(p, g, p.get("x"), w, ROWS), 0, g.get("x"), 0, ROWS * 4);
        g.scale(1.1f);
        org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class,
                () -> GradientCheck.check(p, g, q -> GradientCheck.project(l.forward(q, q.get("x"), ROWS), w), 40));
    }

    @Test
    void crossEntropyMatchesFiniteDifferences() {
        int vocab = 7;
        int[] targets = {3, 0, 6};
        float[] weights = {0.5f, 2f, 1f};
        Parameters p = store(3 * vocab, q -> { }, 16);
        Parameters g = p.zerosLike();
        float[] z = p.get("x").clone();
        CrossEntropy.lossAndGradient(z, vocab, targets, weights);
        System.arraycopy(z, 0, g.get("x"), 0, z.length);
        double worst = GradientCheck.check(p, g,
                q -> CrossEntropy.lossAndGradient(q.get("x").clone(), vocab, targets, weights), 40);
        assertTrue(worst <= 1.0);
    }
}
