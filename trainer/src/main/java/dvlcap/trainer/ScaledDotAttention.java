package dvlcap.trainer;

/**
 * softmax(q k^T / sqrt(headDim) + mask) v over one sequence, with grouped-query heads: query head
 * h reads kv head {@code h / (heads / kvHeads)}. q is [L, heads*headDim]; k and v are
 * [L, kvHeads*headDim]. Each head is gathered into contiguous [L, headDim] matrices so that every
 * product is a {@link Blas#gemm}: the full L x L scores are computed and the mask applied after,
 * which on these short sequences costs less than a dot product per visible pair.
 */
public record ScaledDotAttention(int heads, int kvHeads, int headDim) {

    /** The output and the attention probabilities per head, [L, L] each (zero where masked). */
    public record Saved(float[] out, float[][] probs, boolean[] visible) {
    }

    public record Grads(float[] dq, float[] dk, float[] dv) {
    }

    public Saved forward(float[] q, float[] k, float[] v, int len, AttentionMask mask) {
        boolean[] vis = new boolean[len * len];
        for (int i = 0; i < len; i++) {
            for (int j = 0; j < len; j++) {
                vis[i * len + j] = mask.visible(i, j);
            }
        }
        int group = heads / kvHeads, qs = heads * headDim, ks = kvHeads * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[][] probs = new float[heads][];
        float[] out = new float[len * qs];
        for (int kvh = 0; kvh < kvHeads; kvh++) {
            float[] kT = transposed(gather(k, len, ks, kvh * headDim), len);
            float[] vh = gather(v, len, ks, kvh * headDim);
            for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                float[] p = new float[len * len];
                Blas.gemm(gather(q, len, qs, h * headDim), kT, p, len, headDim, len);
                for (int i = 0; i < len; i++) {
                    softmaxRow(p, i * len, vis, len, scale);
                }
                float[] oh = new float[len * headDim];
                Blas.gemm(p, vh, oh, len, len, headDim);
                scatter(oh, out, len, qs, h * headDim);
                probs[h] = p;
            }
        }
        return new Saved(out, probs, vis);
    }

    /** Row {@code o..o+len-1} of raw scores becomes probabilities over the visible keys; the rest 0. */
    private static void softmaxRow(float[] p, int o, boolean[] vis, int len, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
            if (vis[o + j]) {
                p[o + j] *= scale;
                max = Math.max(max, p[o + j]);
            }
        }
        double sum = 0;
        for (int j = 0; j < len; j++) {
            if (vis[o + j]) {
                float e = (float) Math.exp(p[o + j] - max);
                p[o + j] = e;
                sum += e;
            } else {
                p[o + j] = 0f; // a query that sees nothing attends to nothing (never happens in our masks)
            }
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < len; j++) {
            p[o + j] *= inv;
        }
    }

    /** dS = P * (dP - rowsum(dP * P)), dP = dOut v^T; dq = scale dS k, dk = scale dS^T q, dv = P^T dOut. */
    public Grads backward(Saved s, float[] q, float[] k, float[] v, float[] dOut, int len) {
        int group = heads / kvHeads, qs = heads * headDim, ks = kvHeads * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] dq = new float[q.length], dk = new float[k.length], dv = new float[v.length];
        for (int kvh = 0; kvh < kvHeads; kvh++) {
            float[] kh = gather(k, len, ks, kvh * headDim);
            float[] vT = transposed(gather(v, len, ks, kvh * headDim), len);
            float[] dkh = new float[len * headDim], dvh = new float[len * headDim];
            for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                float[] p = s.probs[h];
                float[] qh = gather(q, len, qs, h * headDim), dOh = gather(dOut, len, qs, h * headDim);
                float[] dS = new float[len * len];
                Blas.gemm(dOh, vT, dS, len, headDim, len);
                for (int i = 0; i < len; i++) {
                    double rowDot = 0;
                    for (int j = 0; j < len; j++) {
                        rowDot += (double) dS[i * len + j] * p[i * len + j];
                    }
                    float rd = (float) rowDot;
                    for (int j = 0; j < len; j++) {
                        dS[i * len + j] = p[i * len + j] * (dS[i * len + j] - rd) * scale;
                    }
                }
                float[] dqh = new float[len * headDim];
                Blas.gemm(dS, kh, dqh, len, len, headDim);
                scatter(dqh, dq, len, qs, h * headDim);
                Blas.gemm(transposed(dS, len), qh, dkh, len, len, headDim);
                Blas.gemm(transposed(p, len), dOh, dvh, len, len, headDim);
            }
            scatter(dkh, dk, len, ks, kvh * headDim);
            scatter(dvh, dv, len, ks, kvh * headDim);
        }
        return new Grads(dq, dk, dv);
    }

    /** Columns {@code col..col+headDim-1} of an [L, stride] matrix, as [L, headDim]. */
    private float[] gather(float[] a, int len, int stride, int col) {
        float[] h = new float[len * headDim];
        for (int i = 0; i < len; i++) {
            System.arraycopy(a, i * stride + col, h, i * headDim, headDim);
        }
        return h;
    }

    private void scatter(float[] h, float[] a, int len, int stride, int col) {
        for (int i = 0; i < len; i++) {
            System.arraycopy(h, i * headDim, a, i * stride + col, headDim);
        }
    }

    /** An [L, n] matrix as [n, L] (a fresh array: the transpose buffer of {@link Blas} is for one product only). */
    private static float[] transposed(float[] a, int len) {
        float[] t = new float[a.length];
        Blas.transposeInto(a, len, a.length / len, t);
        return t;
    }
}
