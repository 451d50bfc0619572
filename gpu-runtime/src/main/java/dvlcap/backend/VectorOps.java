package dvlcap.backend;

import static dvlcap.backend.Lanes.L;
import static dvlcap.backend.Lanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** The light per-row and element-wise kernels of {@link VectorBackend}. */
final class VectorOps {
    /** Logits per float partial sum in {@link #expSum}: bounds float rounding, then double carries. */
    private static final int EXP_CHUNK = 1024;

    private final WorkerPool pool;

    VectorOps(WorkerPool pool) {
        this.pool = pool;
    }

    static void rmsNorm(float[] o, float[] x, float[] w, int rows, int dim, float eps) {
        int upper = S.loopBound(dim);
        for (int r = 0; r < rows; r++) {
            int base = r * dim;
            FloatVector acc = FloatVector.zero(S);
            for (int i = 0; i < upper; i += L) {
                FloatVector a = FloatVector.fromArray(S, x, base + i);
                acc = a.fma(a, acc);
            }
            float ss = Lanes.tail(Lanes.sum(acc), x, base, x, base, upper, dim);
            float inv = (float) (1.0 / Math.sqrt((double) ss / dim + eps));
            int i = 0;
            for (; i < upper; i += L) {
                FloatVector.fromArray(S, x, base + i).mul(inv).mul(FloatVector.fromArray(S, w, i))
                        .intoArray(o, base + i);
            }
            for (; i < dim; i++) {
                o[base + i] = x[base + i] * inv * w[i];
            }
        }
    }

    /** {@link Rotary#apply} with the half-heads in lanes; the same float operations, so the same bits. */
    static void rotary(float[] x, float[] cos, float[] sin, int rows, int heads, int headDim) {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("headDim must be positive and even, got " + headDim);
        }
        int half = headDim / 2;
        if ((long) rows * heads * headDim > x.length || (long) rows * half > Math.min(cos.length, sin.length)) {
            throw new IllegalArgumentException("rotary of " + rows + " rows x " + heads + " heads x " + headDim
                    + ": x has " + x.length + ", cos " + cos.length + ", sin " + sin.length + " floats");
        }
        int upper = S.loopBound(half);
        for (int r = 0; r < rows; r++) {
            int a0 = r * half;
            for (int h = 0; h < heads; h++) {
                int base = (r * heads + h) * headDim;
                int i = 0;
                for (; i < upper; i += L) {
                    FloatVector a = FloatVector.fromArray(S, x, base + i);
                    FloatVector b = FloatVector.fromArray(S, x, base + half + i);
                    FloatVector c = FloatVector.fromArray(S, cos, a0 + i);
                    FloatVector s = FloatVector.fromArray(S, sin, a0 + i);
                    a.mul(c).sub(b.mul(s)).intoArray(x, base + i);
                    b.mul(c).add(a.mul(s)).intoArray(x, base + half + i);
                }
                for (; i < half; i++) {
                    float a = x[base + i], b = x[base + i + half], c = cos[a0 + i], s = sin[a0 + i];
                    x[base + i] = a * c - b * s;
                    x[base + i + half] = b * c + a * s;
                }
            }
        }
    }

    static void swiglu(float[] o, float[] g, float[] u, int n) {
        int upper = S.loopBound(n);
        int i = 0;
        for (; i < upper; i += L) {
            FloatVector a = FloatVector.fromArray(S, g, i);
            FloatVector silu = a.div(a.neg().lanewise(VectorOperators.EXP).add(1f));
            silu.mul(FloatVector.fromArray(S, u, i)).intoArray(o, i);
        }
        for (; i < n; i++) {
            float a = g[i];
            o[i] = a / (1f + (float) Math.exp(-a)) * u[i];
        }
    }

    static void add(float[] acc, float[] x, int n) {
        int upper = S.loopBound(n);
        int i = 0;
        for (; i < upper; i += L) {
            FloatVector.fromArray(S, acc, i).add(FloatVector.fromArray(S, x, i)).intoArray(acc, i);
        }
        for (; i < n; i++) {
            acc[i] += x[i];
        }
    }

    /** Rows in parallel: each row is a full pass over the vocabulary (151936 for Qwen2.5). */
    void argmaxConfidence(float[] l, int rows, int vocab, int[] ids, float[] confidence) {
        int parts = (long) rows * vocab < (1 << 16) ? 1 : Math.min(rows, pool.threads());
        int chunk = (rows + Math.max(1, parts) - 1) / Math.max(1, parts);
        int used = rows == 0 ? 0 : (rows + chunk - 1) / chunk;
        pool.forEach(used, p -> {
            for (int r = p * chunk, end = Math.min(rows, r + chunk); r < end; r++) {
                int base = r * vocab;
                float max = max(l, base, vocab);
                int best = firstIndexOf(l, base, vocab, max);
                ids[r] = best;
                confidence[r] = (float) (1.0 / expSum(l, base, vocab, max));
            }
        });
    }

    private static float max(float[] l, int base, int n) {
        int upper = S.loopBound(n);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < upper; i += L) {
            m = m.max(FloatVector.fromArray(S, l, base + i));
        }
        float r = m.reduceLanes(VectorOperators.MAX); // max is exact: order cannot matter
        for (int i = upper; i < n; i++) {
            r = Math.max(r, l[base + i]);
        }
        return r;
    }

    /** First index holding {@code max}: the same tie-break as the scalar strict {@code >} scan. */
    private static int firstIndexOf(float[] l, int base, int n, float max) {
        for (int i = 0; i < n; i++) {
            if (l[base + i] == max) {
                return i;
            }
        }
        return 0; // only when every logit is NaN, as in the scalar scan
    }

    private static double expSum(float[] l, int base, int n, float max) {
        double total = 0;
        for (int c = 0; c < n; c += EXP_CHUNK) {
            int len = Math.min(EXP_CHUNK, n - c);
            int upper = S.loopBound(len);
            FloatVector acc = FloatVector.zero(S);
            for (int i = 0; i < upper; i += L) {
                acc = acc.add(FloatVector.fromArray(S, l, base + c + i).sub(max).lanewise(VectorOperators.EXP));
            }
            double part = Lanes.sum(acc);
            for (int i = upper; i < len; i++) {
                part += Math.exp(l[base + c + i] - max);
            }
            total += part;
        }
        return total;
    }
}
