package dvlcap.backend;

/** The plain attention loop, shared by the CPU backends as reference and fallback. */
final class Attention {
    private Attention() {
    }

    /** Number of keys a query at {@code pos} sees under a block-causal mask of {@code maskBlock}. */
    static int visibleKeys(int pos, int maskBlock, int kvLen) {
        if (maskBlock == Integer.MAX_VALUE) {
            return kvLen;
        }
        long end = ((long) pos / maskBlock + 1) * maskBlock;
        return (int) Math.min(end, kvLen);
    }

    /** Keys and values of position {@code j} at row {@code pages.row(j)}. */
    static void reference(float[] o, float[] q, int qRow, int nq, float[] k, float[] v, PageTable pages, int kvLen,
                          int queryPos0, int maskBlock, int heads, int kvHeads, int headDim) {
        int group = heads / kvHeads;
        int qStride = heads * headDim, kvStride = kvHeads * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] scores = new float[kvLen];
        for (int i = 0; i < nq; i++) {
            int visible = visibleKeys(queryPos0 + i, maskBlock, kvLen);
            for (int h = 0; h < heads; h++) {
                int qo = (qRow + i) * qStride + h * headDim;
                int kvh = h / group;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < visible; j++) {
                    int ko = pages.row(j) * kvStride + kvh * headDim;
                    float s = 0f;
                    for (int d = 0; d < headDim; d++) {
                        s += q[qo + d] * k[ko + d];
                    }
                    s *= scale;
                    scores[j] = s;
                    max = Math.max(max, s);
                }
                float sum = 0f;
                for (int j = 0; j < visible; j++) {
                    scores[j] = (float) Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                float inv = 1f / sum;
                int oo = (qRow + i) * qStride + h * headDim;
                for (int d = 0; d < headDim; d++) {
                    o[oo + d] = 0f;
                }
                for (int j = 0; j < visible; j++) {
                    float p = scores[j] * inv;
                    int vo = pages.row(j) * kvStride + kvh * headDim;
                    for (int d = 0; d < headDim; d++) {
                        o[oo + d] += p * v[vo + d];
                    }
                }
            }
        }
    }
}
