package dvlcap.trainer;

/**
 * softmax(q k^T / sqrt(headDim) + mask) v over one sequence, with grouped-query heads: query head
 * h reads kv head {@code h / (heads / kvHeads)}. q is [L, heads*headDim]; k and v are
 * [L, kvHeads*headDim].
 */
public record ScaledDotAttention(int heads, int kvHeads, int headDim) {

    /** The output and the attention probabilities [heads, L, L] (zero where masked). */
    public record Saved(float[] out, float[] probs, boolean[] visible) {
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
        float[] probs = new float[heads * len * len];
        float[] out = new float[len * qs];
        for (int h = 0; h < heads; h++) {
            int kvh = h / group;
            for (int i = 0; i < len; i++) {
                int po = (h * len + i) * len, qo = i * qs + h * headDim;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    if (vis[i * len + j]) {
                        float s = Blas.dot(q, qo, k, j * ks + kvh * headDim, headDim) * scale;
                        probs[po + j] = s;
                        max = Math.max(max, s);
                    }
                }
                if (max == Float.NEGATIVE_INFINITY) {
                    continue; // a query that sees nothing attends to nothing (never happens in our masks)
                }
                double sum = 0;
                for (int j = 0; j < len; j++) {
                    if (vis[i * len + j]) {
                        float e = (float) Math.exp(probs[po + j] - max);
                        probs[po + j] = e;
                        sum += e;
                    }
                }
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < len; j++) {
                    if (vis[i * len + j]) {
                        probs[po + j] *= inv;
                        Blas.axpy(probs[po + j], v, j * ks + kvh * headDim, out, qo, headDim);
                    }
                }
            }
        }
        return new Saved(out, probs, vis);
    }

    /** dS = P * (dP - rowsum(dP * P)), dP = dOut v^T; dq = scale dS k, dk = scale dS^T q, dv = P^T dOut. */
    public Grads backward(Saved s, float[] q, float[] k, float[] v, float[] dOut, int len) {
        int group = heads / kvHeads, qs = heads * headDim, ks = kvHeads * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] dq = new float[q.length], dk = new float[k.length], dv = new float[v.length];
        float[] dp = new float[len];
        for (int h = 0; h < heads; h++) {
            int kvh = h / group;
            for (int i = 0; i < len; i++) {
                int po = (h * len + i) * len, qo = i * qs + h * headDim;
                double rowDot = 0;
                for (int j = 0; j < len; j++) {
                    if (s.visible[i * len + j]) {
                        dp[j] = Blas.dot(dOut, qo, v, j * ks + kvh * headDim, headDim);
                        rowDot += (double) dp[j] * s.probs[po + j];
                    }
                }
                float rd = (float) rowDot;
                for (int j = 0; j < len; j++) {
                    if (s.visible[i * len + j]) {
                        float p = s.probs[po + j];
                        float ds = p * (dp[j] - rd) * scale;
                        int ko = j * ks + kvh * headDim;
                        Blas.axpy(ds, k, ko, dq, qo, headDim);
                        Blas.axpy(ds, q, qo, dk, ko, headDim);
                        Blas.axpy(p, dOut, qo, dv, ko, headDim);
                    }
                }
            }
        }
        return new Grads(dq, dk, dv);
    }
}
