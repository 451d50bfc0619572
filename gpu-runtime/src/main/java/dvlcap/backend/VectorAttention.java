package dvlcap.backend;

import static dvlcap.backend.Lanes.L;
import static dvlcap.backend.Lanes.S;

import jdk.incubator.vector.FloatVector;

/**
 * Block-masked grouped-query attention with vector dot products and weighted sums, parallel over
 * (query, head) pairs when the call is large. Each pair is computed by the same code whatever
 * {@code nq} and the partition, so a query's output does not depend on its neighbours.
 */
final class VectorAttention {
    private static final long PARALLEL_MIN_FMAS = 1L << 16;

    private final WorkerPool pool;

    VectorAttention(WorkerPool pool) {
        this.pool = pool;
    }

    /** Keys and values of position {@code j} at row {@code pages.row(j)}. */
    void run(float[] o, float[] q, int qRow, int nq, float[] k, float[] v, PageTable pages, int kvLen,
             int queryPos0, int maskBlock, int heads, int kvHeads, int headDim) {
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " query heads are not a multiple of " + kvHeads + " kv heads");
        }
        int pairs = nq * heads;
        long fmas = 2L * pairs * kvLen * headDim;
        int parts = fmas < PARALLEL_MIN_FMAS ? 1 : Math.min(pairs, pool.threads() * 4);
        int chunk = (pairs + parts - 1) / Math.max(1, parts);
        int used = pairs == 0 ? 0 : (pairs + chunk - 1) / chunk;
        pool.forEach(used, p -> {
            float[] scores = new float[kvLen];
            for (int pair = p * chunk, end = Math.min(pairs, pair + chunk); pair < end; pair++) {
                int i = pair / heads, h = pair % heads;
                one(o, q, qRow + i, k, v, pages, Attention.visibleKeys(queryPos0 + i, maskBlock, kvLen),
                        h, h / (heads / kvHeads), heads, kvHeads, headDim, scores);
            }
        });
    }

    /**
     * Softmax(q k^T / sqrt(d)) v for one query row and head over its visible keys, page by page: the
     * keys are visited in position order, so the sums are the same as over a contiguous buffer.
     */
    private static void one(float[] o, float[] q, int row, float[] k, float[] v, PageTable pages, int visible,
                            int h, int kvh, int heads, int kvHeads, int headDim, float[] scores) {
        int qo = row * heads * headDim + h * headDim;
        int kvStride = kvHeads * headDim, kvo = kvh * headDim;
        int ps = pages.pageSize();
        int[] table = pages.pages();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float max = Float.NEGATIVE_INFINITY;
        for (int j0 = 0; j0 < visible; j0 += ps) {
            int base = table[j0 / ps] * ps * kvStride + kvo - j0 * kvStride, end = Math.min(visible, j0 + ps);
            for (int j = j0; j < end; j++) {
                float s = Lanes.dot(q, qo, k, base + j * kvStride, headDim) * scale;
                scores[j] = s;
                max = Math.max(max, s);
            }
        }
        float sum = 0f;
        for (int j = 0; j < visible; j++) {
            scores[j] = (float) Math.exp(scores[j] - max);
            sum += scores[j];
        }
        float inv = 1f / sum;
        for (int j = 0; j < visible; j++) {
            scores[j] *= inv;
        }
        int upper = S.loopBound(headDim);
        // Output vector by vector: its accumulator stays in a register across all keys.
        for (int d = 0; d < upper; d += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int j0 = 0; j0 < visible; j0 += ps) {
                int base = table[j0 / ps] * ps * kvStride + kvo + d - j0 * kvStride, end = Math.min(visible, j0 + ps);
                for (int j = j0; j < end; j++) {
                    acc = FloatVector.fromArray(S, v, base + j * kvStride).fma(FloatVector.broadcast(S, scores[j]), acc);
                }
            }
            acc.intoArray(o, qo + d);
        }
        for (int d = upper; d < headDim; d++) {
            float acc = 0f;
            for (int j = 0; j < visible; j++) {
                acc += scores[j] * v[pages.row(j) * kvStride + kvo + d];
            }
            o[qo + d] = acc;
        }
    }
}
