package dvlcap.backend;

import static dvlcap.backend.Lanes.L;
import static dvlcap.backend.Lanes.S;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Block-masked grouped-query attention with vector dot products and weighted sums, parallel over
 * (query, head) pairs when the call is large. Each pair is computed by the same code whatever
 * {@code nq} and the partition, so a query's output does not depend on its neighbours.
 */
final class VectorAttention {
    /**
     * Below this many multiply-adds a call runs on the caller's thread. At 2^16 (the old value) a
     * block-decoding forward of a small model (8-16 query rows, 4 heads of 32, ~100 keys: 2-4 x 10^5)
     * handed every layer's attention to the workers, and waking and joining them cost more than the
     * second core gave back (shapes-dvlm, 2 cores: 8 rows 0.62 ms per forward vs 0.51 on one
     * thread). 2^20, as for the matmul; {@code dvlcap.attention.parallelMinFmas} overrides it.
     */
    private static final long PARALLEL_MIN_FMAS = Long.getLong("dvlcap.attention.parallelMinFmas", 1L << 20);
    /** Keys whose q.k accumulators are parked together before their folds. */
    private static final int PARK = 16;

    private final WorkerPool pool;

    VectorAttention(WorkerPool pool) {
        this.pool = pool;
    }

    /**
     * Every sequence of {@code layout} (checked by the caller), spread over the workers as one list
     * of (query row, head) pairs, so that many short sequences use the cores as well as one long one.
     */
    void run(float[] o, float[] q, float[] k, float[] v, BatchLayout layout, int heads, int kvHeads, int headDim) {
        List<BatchLayout.Sequence> seqs = layout.sequences();
        int total = layout.totalRows();
        // query i of the batch (in layout order) is local row localRow[i] of sequence seqOf[i]
        int[] seqOf = new int[total], localRow = new int[total];
        // where each position's row starts, once per call: the loops below stay flat (one loop over
        // keys carrying a vector accumulator, which C2 keeps in a register; a loop nest over pages
        // made it box every FloatVector)
        int kvStride = kvHeads * headDim;
        int[][] rowStart = new int[seqs.size()][];
        long fmas = 0;
        for (int s = 0, i = 0; s < seqs.size(); s++) {
            BatchLayout.Sequence seq = seqs.get(s);
            int[] starts = new int[seq.rows() == 0 ? 0 : seq.kvLength()];
            for (int j = 0; j < starts.length; j++) {
                starts[j] = seq.pages().row(j) * kvStride;
            }
            rowStart[s] = starts;
            for (int r = 0; r < seq.rows(); r++, i++) {
                seqOf[i] = s;
                localRow[i] = r;
            }
            fmas += 2L * seq.rows() * heads * seq.kvLength() * headDim;
        }
        int pairs = total * heads;
        // about four parts per thread, but never parts of several pairs when there are fewer than
        // eight per thread: batch 1 (14 heads, 2 threads) ran 7 parts of 2 heads, 4 on one core
        int chunk = fmas < PARALLEL_MIN_FMAS ? Math.max(1, pairs) : Math.max(1, pairs / (pool.threads() * 4));
        int used = pairs == 0 ? 0 : (pairs + chunk - 1) / chunk;
        int group = heads / kvHeads, maxKv = layout.maxKvLength();
        pool.forEach(used, p -> {
            float[] scores = new float[maxKv];
            float[] park = new float[PARK * L];
            for (int pair = p * chunk, end = Math.min(pairs, pair + chunk); pair < end; pair++) {
                int i = pair / heads, h = pair % heads;
                BatchLayout.Sequence seq = seqs.get(seqOf[i]);
                int r = localRow[i];
                one(o, q, seq.row0() + r, k, v, rowStart[seqOf[i]],
                        Attention.visibleKeys(seq.pos0() + r, seq.maskBlock(), seq.kvLength()), h, h / group, heads,
                        headDim, scores, park);
            }
        });
    }

    /**
     * The largest of {@code s[0..n)} as a chain of {@code Math.max} would give it: max is commutative
     * and associative (NaN wins, +0 beats -0 in any order), so lanes may split the chain. The chain
     * of one scalar max per key (a compare-and-blend sequence) cost about as much as the dot products.
     */
    private static float max(float[] s, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            m = m.max(FloatVector.fromArray(S, s, i));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, s[i]);
        }
        return max;
    }

    /**
     * Softmax(q k^T / sqrt(d)) v for one query row and head over its visible keys, position {@code j}
     * at row offset {@code rowStart[j]}: keys in position order, so the sums are those of a contiguous
     * buffer.
     */
    private static void one(float[] o, float[] q, int row, float[] k, float[] v, int[] rowStart, int visible,
                            int h, int kvh, int heads, int headDim, float[] scores, float[] park) {
        int qo = row * heads * headDim + h * headDim;
        int kvo = kvh * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int upper = S.loopBound(headDim);
        // q . k_j as Lanes.dot computes it (one accumulator fed in index order, the fixed fold, the
        // tail), but the accumulators of PARK keys are parked first and folded together: sixteen at
        // once in one vector tree where vectors are 16 lanes wide (Lanes.sumSixteenParked), else
        // with scalar adds (Lanes.sumParked). Folding each key's vector alone cost more than its FMAs.
        for (int j0 = 0; j0 < visible; j0 += PARK) {
            int n = Math.min(PARK, visible - j0);
            int jj = 0;
            // four keys per pass over q: four independent FMA chains (one chain per key was
            // latency-bound), each key's accumulator still fed in index order
            for (; jj + 4 <= n; jj += 4) {
                int k0 = rowStart[j0 + jj] + kvo, k1 = rowStart[j0 + jj + 1] + kvo;
                int k2 = rowStart[j0 + jj + 2] + kvo, k3 = rowStart[j0 + jj + 3] + kvo;
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int i = 0; i < upper; i += L) {
                    FloatVector qv = FloatVector.fromArray(S, q, qo + i);
                    a0 = qv.fma(FloatVector.fromArray(S, k, k0 + i), a0);
                    a1 = qv.fma(FloatVector.fromArray(S, k, k1 + i), a1);
                    a2 = qv.fma(FloatVector.fromArray(S, k, k2 + i), a2);
                    a3 = qv.fma(FloatVector.fromArray(S, k, k3 + i), a3);
                }
                a0.intoArray(park, jj * L);
                a1.intoArray(park, (jj + 1) * L);
                a2.intoArray(park, (jj + 2) * L);
                a3.intoArray(park, (jj + 3) * L);
            }
            for (; jj < n; jj++) {
                int ko = rowStart[j0 + jj] + kvo;
                FloatVector acc = FloatVector.zero(S);
                for (int i = 0; i < upper; i += L) {
                    acc = FloatVector.fromArray(S, q, qo + i).fma(FloatVector.fromArray(S, k, ko + i), acc);
                }
                acc.intoArray(park, jj * L);
            }
            if (n == PARK && Lanes.FOLDS_SIXTEEN) {
                Lanes.sumSixteenParked(park, 0, scores, j0);
                for (jj = 0; jj < n; jj++) {
                    scores[j0 + jj] = Lanes.tail(scores[j0 + jj], q, qo, k, rowStart[j0 + jj] + kvo, upper, headDim)
                            * scale;
                }
            } else {
                for (jj = 0; jj < n; jj++) {
                    scores[j0 + jj] = Lanes.tail(Lanes.sumParked(park, jj * L), q, qo, k, rowStart[j0 + jj] + kvo,
                            upper, headDim) * scale;
                }
            }
        }
        float max = max(scores, visible);
        float sum = LaneExp.expAndSum(scores, visible, max);
        float inv = 1f / sum;
        for (int j = 0; j < visible; j++) {
            scores[j] *= inv;
        }
        // Output vector by vector: its accumulator stays in a register across all keys. Two output
        // vectors per pass over the keys where the head has them (a 32-wide head at 16 lanes): two
        // independent FMA chains instead of one latency-bound chain; each accumulator still sees
        // its keys in order, so the sums are unchanged.
        int d = 0;
        for (; d + 4 * L <= upper; d += 4 * L) {
            FloatVector acc0 = FloatVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int j = 0; j < visible; j++) {
                FloatVector p = FloatVector.broadcast(S, scores[j]);
                int vo = rowStart[j] + kvo + d;
                acc0 = FloatVector.fromArray(S, v, vo).fma(p, acc0);
                acc1 = FloatVector.fromArray(S, v, vo + L).fma(p, acc1);
                acc2 = FloatVector.fromArray(S, v, vo + 2 * L).fma(p, acc2);
                acc3 = FloatVector.fromArray(S, v, vo + 3 * L).fma(p, acc3);
            }
            acc0.intoArray(o, qo + d);
            acc1.intoArray(o, qo + d + L);
            acc2.intoArray(o, qo + d + 2 * L);
            acc3.intoArray(o, qo + d + 3 * L);
        }
        for (; d + 2 * L <= upper; d += 2 * L) {
            FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
            for (int j = 0; j < visible; j++) {
                FloatVector p = FloatVector.broadcast(S, scores[j]);
                int vo = rowStart[j] + kvo + d;
                acc0 = FloatVector.fromArray(S, v, vo).fma(p, acc0);
                acc1 = FloatVector.fromArray(S, v, vo + L).fma(p, acc1);
            }
            acc0.intoArray(o, qo + d);
            acc1.intoArray(o, qo + d + L);
        }
        for (; d < upper; d += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < visible; j++) {
                acc = FloatVector.fromArray(S, v, rowStart[j] + kvo + d).fma(FloatVector.broadcast(S, scores[j]), acc);
            }
            acc.intoArray(o, qo + d);
        }
        for (d = upper; d < headDim; d++) {
            float acc = 0f;
            for (int j = 0; j < visible; j++) {
                acc += scores[j] * v[rowStart[j] + kvo + d];
            }
            o[qo + d] = acc;
        }
    }
}
