package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/** The reference itself, on cases small enough to work out by hand. */
class ScalarBackendReferenceTest {
    private final Backend b = new ScalarBackend();

    private float[] read(Tensor t) {
        float[] a = new float[t.size()];
        b.read(t, 0, a, 0, a.length);
        return a;
    }

    @Test
    void matmulTwoByThreeWithBias() {
        Tensor x = b.upload(new float[] {1, 2, 3, 4, 5, 6});
        Weight w = b.weight(new float[] {1, 0, -1, 2, 1, 0}, 2, 3);
        Tensor bias = b.upload(new float[] {0.5f, -1f});
        Tensor out = b.allocate(4);
        b.matmul(out, x, w, bias, 2);
        assertArrayEquals(new float[] {-1.5f, 3f, -1.5f, 12f}, read(out), 0f);
        b.matmul(out, x, w, null, 2);
        assertArrayEquals(new float[] {-2f, 4f, -2f, 13f}, read(out), 0f);
    }

    @Test
    void rmsNormDividesByRootMeanSquare() {
        Tensor out = b.allocate(2);
        b.rmsNorm(out, b.upload(new float[] {3, 4}), b.upload(new float[] {1, 2}), 1, 2, 0f);
        float rms = (float) Math.sqrt(12.5);
        assertArrayEquals(new float[] {3 / rms, 2 * 4 / rms}, read(out), 1e-6f);
    }

    @Test
    void layerNormCentresScalesAndShifts() {
        Tensor out = b.allocate(4);
        b.layerNorm(out, b.upload(new float[] {1, 2, 3, 4}), b.upload(new float[] {1, 1, 1, 2}),
                b.upload(new float[] {0, 0, 0, 1}), 1, 4, 0f);
        float inv = (float) (1 / Math.sqrt(1.25));
        assertArrayEquals(new float[] {-1.5f * inv, -0.5f * inv, 0.5f * inv, 2 * 1.5f * inv + 1}, read(out), 1e-6f);
    }

    @Test
    void ropePairsFirstAndSecondHalfOfEachHead() {
        // headDim 4, theta 1e4: inv_freq = {1, 0.01}; rotate_half pairs (x0, x2) and (x1, x3).
        Tensor x = b.upload(new float[] {1, 2, 3, 4, 1, 2, 3, 4});
        b.rope(x, new int[] {1}, 1, 2, 4, 10000f);
        double c0 = Math.cos(1), s0 = Math.sin(1), c1 = Math.cos(0.01), s1 = Math.sin(0.01);
        float[] head = {(float) (1 * c0 - 3 * s0), (float) (2 * c1 - 4 * s1),
                (float) (3 * c0 + 1 * s0), (float) (4 * c1 + 2 * s1)};
        float[] got = read(x);
        float[] want = new float[8];
        System.arraycopy(head, 0, want, 0, 4);
        System.arraycopy(head, 0, want, 4, 4);
        assertArrayEquals(want, got, 1e-6f);
    }

    /** Given the angles {@link Backend#rope} uses, {@code rotary} must compute exactly what it does. */
    @Test
    void rotaryWithRopeAnglesEqualsRope() {
        int rows = 5, heads = 3, headDim = 8, half = headDim / 2;
        float theta = 10000f;
        int[] positions = {0, 1, 7, 100, 4095};
        float[] cos = new float[rows * half], sin = new float[rows * half];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < half; i++) {
                float invFreq = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
                double angle = (double) positions[r] * invFreq;
                cos[r * half + i] = (float) Math.cos(angle);
                sin[r * half + i] = (float) Math.sin(angle);
            }
        }
        float[] in = new Rand(3).gaussian(rows * heads * headDim);
        Tensor viaRope = b.upload(in), viaRotary = b.upload(in);
        b.rope(viaRope, positions, rows, heads, headDim, theta);
        b.rotary(viaRotary, b.upload(cos), b.upload(sin), rows, heads, headDim);
        assertArrayEquals(read(viaRope), read(viaRotary), 0f);
    }

    /** The interface's default (read, rotate on the host, write) is what a backend without a kernel runs. */
    @Test
    void rotaryDefaultMatchesTheCpuKernel() {
        Backend plain = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> method.getName().equals("rotary")
                        ? InvocationHandler.invokeDefault(proxy, method, args)
                        : method.invoke(b, args));
        int rows = 4, heads = 2, headDim = 6;
        Rand r = new Rand(9);
        float[] in = r.gaussian(rows * heads * headDim), cos = r.gaussian(rows * 3), sin = r.gaussian(rows * 3);
        Tensor viaDefault = b.upload(in), viaKernel = b.upload(in);
        plain.rotary(viaDefault, b.upload(cos), b.upload(sin), rows, heads, headDim);
        b.rotary(viaKernel, b.upload(cos), b.upload(sin), rows, heads, headDim);
        assertArrayEquals(read(viaKernel), read(viaDefault), 0f);
    }

    @Test
    void ropeAtPositionZeroIsIdentity() {
        float[] in = {1, 2, 3, 4, 5, 6};
        Tensor x = b.upload(in);
        b.rope(x, new int[] {0}, 1, 1, 6, 10000f);
        assertArrayEquals(in, read(x), 0f);
    }

    /**
     * headDim 1 (scale 1), q = 1, k_j = ln(j + 1): softmax weights are proportional to 1, 2, 3, 4;
     * v_j = j. Head 1 has q = 0 (uniform weights) and shares kv head 0 (GQA, group 2).
     */
    @Test
    void attentionFollowsTheBlockMask() {
        float[] k = {0f, (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)};
        float[] v = {0, 1, 2, 3};
        float[] q = {1, 0, 1, 0, 1, 0, 1, 0};
        // block 2: queries 0,1 see keys 0,1; queries 2,3 see all four.
        float[] block2 = attend(q, k, v, 2);
        assertArrayEquals(new float[] {2f / 3, 0.5f, 2f / 3, 0.5f, 2f, 1.5f, 2f, 1.5f}, block2, 1e-6f);
        // causal: query i sees keys 0..i.
        float[] causal = attend(q, k, v, 1);
        assertArrayEquals(new float[] {0f, 0f, 2f / 3, 0.5f, 8f / 6, 1f, 2f, 1.5f}, causal, 1e-6f);
        float[] bidirectional = attend(q, k, v, Integer.MAX_VALUE);
        assertArrayEquals(new float[] {2f, 1.5f, 2f, 1.5f, 2f, 1.5f, 2f, 1.5f}, bidirectional, 1e-6f);
    }

    @Test
    void attentionUsesAbsolutePositionsForTheMask() {
        float[] k = {0f, (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)};
        float[] v = {0, 1, 2, 3};
        // one query (head 0 only used) at absolute position 2, causal: sees keys 0..2 -> (0+2+6)/6
        Tensor out = b.allocate(2);
        b.attention(out, b.upload(new float[] {1, 0}), 0, 1, b.upload(k), b.upload(v), 4, 2, 1, 2, 1, 1);
        assertEquals(8f / 6, read(out)[0], 1e-6f);
        assertEquals(1f, read(out)[1], 1e-6f);
    }

    private float[] attend(float[] q, float[] k, float[] v, int maskBlock) {
        Tensor out = b.allocate(q.length);
        b.attention(out, b.upload(q), 0, 4, b.upload(k), b.upload(v), 4, 0, maskBlock, 2, 1, 1);
        return read(out);
    }

    @Test
    void argmaxConfidenceIsTheSoftmaxOfTheMaximum() {
        float ln2 = (float) Math.log(2);
        Tensor logits = b.upload(new float[] {0, ln2, 0, 7, 7, 1});
        int[] ids = new int[2];
        float[] conf = new float[2];
        b.argmaxConfidence(logits, 2, 3, ids, conf);
        assertArrayEquals(new int[] {1, 0}, ids, "ties go to the first index");
        assertEquals(0.5f, conf[0], 1e-6f);
        assertEquals((float) (1 / (2 + Math.exp(-6))), conf[1], 1e-6f);
    }

    @Test
    void swigluIsSiluOfGateTimesUp() {
        Tensor out = b.allocate(2);
        b.swiglu(out, b.upload(new float[] {1, 0}), b.upload(new float[] {2, 5}), 2);
        assertArrayEquals(new float[] {(float) (2 / (1 + Math.exp(-1))), 0f}, read(out), 1e-6f);
    }

    @Test
    void embedGathersRowsFromTheOutputRowOn() {
        Weight table = b.weight(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
        Tensor out = b.allocate(6);
        b.embed(out, 1, table, new int[] {2, 0}, 2);
        assertArrayEquals(new float[] {0, 0, 20, 21, 0, 1}, read(out), 0f);
    }
}
