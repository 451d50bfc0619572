package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.bench.ModelShapes;
import dvlcap.bench.RandomWeightSource;
import dvlcap.model.ModelConfig;
import dvlcap.model.TextConfig;
import dvlcap.model.WeightSource;
import dvlcap.nn.KvCache;
import dvlcap.nn.Qwen2Model;
import dvlcap.nn.Segment;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Qwen2 forward of the random "tiny" shape on CUDA against the scalar CPU backend: a causal
 * prefill of two sequences, then a block of 4 tentative tokens each (block-causal), comparing the
 * hidden states and the logits. Skipped with the reason where no GPU is present.
 *
 * <p>Tolerances: against the CPU on the same bf16-rounded matrices, max |diff| <= 1e-3 * max |ref|
 * (float32 activations, different summation orders); against the CPU on the original float
 * weights, 3e-2 * max |ref| (bf16 weights, up to 2^-8 relative each, through two layers).
 */
class CudaQwen2ForwardTest {
    private static final int PROMPT = 12, BLOCK = 4;

    @Test
    void tinyForwardMatchesTheCpu() {
        try (CudaBackend gpu = CudaTestSupport.backendOrSkip()) {
            ModelConfig config = ModelShapes.get("tiny");
            float[][] onGpu = run(gpu, new RandomWeightSource(config, 1), config.text());
            float[][] cpuRounded = run(new ScalarBackend(), new Bf16Matrices(new RandomWeightSource(config, 1)), config.text());
            float[][] cpuExact = run(new ScalarBackend(), new RandomWeightSource(config, 1), config.text());
            String[] what = {"hidden after prefill", "hidden after block", "logits of the block"};
            for (int i = 0; i < what.length; i++) {
                assertClose(cpuRounded[i], onGpu[i], 1e-3, what[i] + " vs CPU on bf16 weights");
                assertClose(cpuExact[i], onGpu[i], 3e-2, what[i] + " vs CPU on float weights");
            }
            gpu.close();
            assertTrue(gpu.leakReport().isEmpty(), gpu.leakReport().toString());
        }
    }

    /**
     * The same on a random model of the qwen2.5-0.5b shape (24 layers, 14/2 heads, head dim 64, a
     * 151936-token vocabulary): the GPU against the CPU's vector backend (itself differential-tested
     * against the scalar one) on the same bf16-rounded matrices, max |diff| <= 2e-3 * max |ref| on
     * the hidden states and the logits (float32 activations through 24 layers, summation orders).
     */
    @Test
    void qwen25HalfBillionShapedForwardMatchesTheCpu() {
        try (CudaBackend gpu = CudaTestSupport.backendOrSkip(); Backend vector = new dvlcap.backend.VectorBackend()) {
            ModelConfig config = ModelShapes.get("qwen2.5-0.5b");
            float[][] onGpu = run(gpu, new RandomWeightSource(config, 7), config.text());
            float[][] cpu = run(vector, new Bf16Matrices(new RandomWeightSource(config, 7)), config.text());
            String[] what = {"hidden after prefill", "hidden after block", "logits of the block"};
            for (int i = 0; i < what.length; i++) {
                assertClose(cpu[i], onGpu[i], 2e-3, "qwen2.5-0.5b " + what[i] + " vs CPU on bf16 weights");
            }
        }
    }

    /** Hidden states after a prefill and after a block step, and the block's logits. */
    private static float[][] run(Backend b, WeightSource weights, TextConfig c) {
        int h = c.hiddenSize();
        try (Qwen2Model lm = Qwen2Model.load(b, c, weights); KvCache c0 = lm.newCache(PROMPT + BLOCK);
             KvCache c1 = lm.newCache(PROMPT + BLOCK); Tensor x = b.allocate(2 * PROMPT * h);
             Tensor y = b.allocate(2 * BLOCK * h)) {
            int[] ids = new int[2 * PROMPT];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i * 37 + 5) % c.vocabSize();
            }
            lm.embed(x, 0, ids);
            lm.forward(x, List.of(new Segment(c0, 0, PROMPT, 1), new Segment(c1, 0, PROMPT, 1)));
            float[] prefill = new float[2 * PROMPT * h];
            b.read(x, 0, prefill, 0, prefill.length);
            c0.commit(PROMPT);
            c1.commit(PROMPT);

            int[] block = {c.vocabSize() - 1, 3, c.vocabSize() - 1, 9, 1, c.vocabSize() - 1, 2, c.vocabSize() - 1};
            lm.embed(y, 0, block);
            lm.forward(y, List.of(new Segment(c0, PROMPT, BLOCK, BLOCK), new Segment(c1, PROMPT, BLOCK, BLOCK)));
            float[] hidden = new float[2 * BLOCK * h];
            b.read(y, 0, hidden, 0, hidden.length);
            int[] rows = new int[2 * BLOCK];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = i;
            }
            Tensor logits = lm.logits(y, rows);
            float[] l = new float[rows.length * c.vocabSize()];
            b.read(logits, 0, l, 0, l.length);
            return new float[][] {prefill, hidden, l};
        }
    }

    private static void assertClose(float[] want, float[] got, double rel, String what) {
        assertEquals(want.length, got.length, what);
        double max = 0, diff = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(want[i] - got[i]));
        }
        assertTrue(diff <= rel * max, what + ": max |diff| " + diff + " > " + rel + " * " + max);
    }

    /** The same weights with every matrix rounded to bf16, as the GPU holds them; vectors stay float. */
    private static final class Bf16Matrices implements WeightSource {
        private final WeightSource inner;

        Bf16Matrices(WeightSource inner) {
            this.inner = inner;
        }

        @Override
        public Set<String> names() {
            return inner.names();
        }

        @Override
        public long[] shape(String name) {
            return inner.shape(name);
        }

        @Override
        public float[] floats(String name, long... expectedShape) {
            float[] f = inner.floats(name, expectedShape);
            return expectedShape.length >= 2 ? CudaBackendDifferentialTest.bf16Rounded(f) : f;
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
