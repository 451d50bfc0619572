package dvlcap.backend;

import static dvlcap.backend.Lanes.L;
import static dvlcap.backend.Lanes.S;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Block-masked grouped-query attention with vector dot products and weighted sums, parallel over
 * units of (query row, head) pairs that read the same kv head when the call is large. Each pair is
 * computed by the same operations in the same order whatever its unit, the batch and the
 * partition, so a query's output does not depend on its neighbours.
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
    /**
     * Most (row, head) pairs in one unit of work: each block of keys read is used by all of them,
     * while their scores (SHARED x keys floats) stay in the L2 cache.
     */
    private static final int SHARED = 16;
    /** Keys per block of the value pass: 32 rows of a kv head (8 KiB at 64 wide) stay in L1. */
    private static final int VALUE_BLOCK = 32;

    private final WorkerPool pool;

    VectorAttention(WorkerPool pool) {
        this.pool = pool;
    }

    /**
     * Every sequence of {@code layout} (checked by the caller), spread over the workers as units of
     * (query row, head) pairs that share one sequence and one kv head, so that many short sequences
     * use the cores as well as one long one.
     */
    void run(float[] o, float[] q, float[] k, float[] v, BatchLayout layout, int heads, int kvHeads, int headDim) {
        List<BatchLayout.Sequence> seqs = layout.sequences();
        // where each position's row starts, once per call: the loops below stay flat (one loop over
        // keys carrying a vector accumulator, which C2 keeps in a register; a loop nest over pages
        // made it box every FloatVector)
        int kvStride = kvHeads * headDim;
        int[][] rowStart = new int[seqs.size()][];
        int group = heads / kvHeads, maxKv = layout.maxKvLength();
        long fmas = 0;
        // (sequence, kv head) groups with query rows, and the most pairs one of them has
        int groups = 0, most = 0;
        for (int s = 0; s < seqs.size(); s++) {
            BatchLayout.Sequence seq = seqs.get(s);
            int[] starts = new int[seq.rows() == 0 ? 0 : seq.kvLength()];
            for (int j = 0; j < starts.length; j++) {
                starts[j] = seq.pages().row(j) * kvStride;
            }
            rowStart[s] = starts;
            fmas += 2L * seq.rows() * heads * seq.kvLength() * headDim;
            if (seq.rows() > 0) {
                groups += kvHeads;
                most = Math.max(most, seq.rows() * group);
            }
        }
        boolean parallel = fmas >= PARALLEL_MIN_FMAS;
        // A unit reads its kv head's K and V once for all its pairs, so a group's pairs are split
        // only when there are fewer groups than threads. Splitting for balance alone (two units per
        // thread: batch 1, 14 heads, 2 threads gave units of 4, 3, 4 and 3 heads) read each layer's
        // K and V twice, from memory. At most SHARED pairs, so a unit's scores stay in the L2 cache.
        int perUnit = SHARED;
        if (parallel && groups > 0 && groups < pool.threads()) {
            int split = (pool.threads() + groups - 1) / groups;
            perUnit = Math.max(1, Math.min(SHARED, (most + split - 1) / split));
        }
        List<int[]> units = new ArrayList<>();
        for (int s = 0; s < seqs.size(); s++) {
            int unitPairs = seqs.get(s).rows() * group;
            for (int kvh = 0; kvh < kvHeads; kvh++) {
                for (int t = 0; t < unitPairs; t += perUnit) {
                    units.add(new int[] {s, kvh, t, Math.min(perUnit, unitPairs - t)});
                }
            }
        }
        // runs of consecutive units, at most four per thread, each with its scratch arrays (a vision
        // layer is hundreds of units: one scratch per unit allocated megabytes per call)
        int parts = parallel ? Math.min(units.size(), pool.threads() * 4) : Math.min(1, units.size());
        int maxPairs = units.stream().mapToInt(u -> u[3]).max().orElse(0);
        pool.forEach(parts, p -> {
            Scratch scratch = Scratch.of(maxPairs, maxKv);
            for (int u = (int) ((long) p * units.size() / parts), end = (int) ((long) (p + 1) * units.size() / parts);
                 u < end; u++) {
                int[] unit = units.get(u);
                unit(o, q, k, v, seqs.get(unit[0]), rowStart[unit[0]], unit[1], unit[2], unit[3], group, heads,
                        headDim, scratch);
            }
        });
    }

    /**
     * A part's working arrays, reused by its units and kept per thread between calls (one per part
     * and layer was a megabyte per batch-1 forward): each pair's scores, {@code stride} apart,
     * offsets and key counts, two parks. Units write every element they read.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = new ThreadLocal<>();

        final float[] scores, park = new float[PARK * L], park2 = new float[PARK * L];
        final int[] qo, visible;
        int stride;

        private Scratch(int pairs, int maxKv) {
            stride = maxKv;
            scores = new float[pairs * maxKv];
            qo = new int[pairs];
            visible = new int[pairs];
        }

        /** This thread's scratch, big enough for {@code pairs} pairs of up to {@code maxKv} keys. */
        static Scratch of(int pairs, int maxKv) {
            Scratch s = LOCAL.get();
            if (s == null || s.qo.length < pairs || s.scores.length < (long) pairs * maxKv) {
                // room to grow: a decoding sequence's keys grow by a few every forward
                s = new Scratch(pairs, maxKv + maxKv / 4);
                LOCAL.set(s);
            }
            s.stride = maxKv;
            return s;
        }
    }

    /**
     * Softmax(q k^T / sqrt(d)) v for {@code count} (row, head) pairs of one sequence that read the
     * same kv head, pair t being local row {@code t / group} and head {@code kvh * group + t % group}.
     * Key by key each pair is computed exactly as it would be alone (the same operations in the
     * same order, so its output never depends on the other pairs), but in blocks of keys taken
     * pair after pair: a block of K or V rows is read from memory once for all of them.
     */
    private static void unit(float[] o, float[] q, float[] k, float[] v, BatchLayout.Sequence seq, int[] rowStart,
                             int kvh, int t0, int count, int group, int heads, int headDim, Scratch w) {
        int kvo = kvh * headDim, most = 0;
        for (int c = 0; c < count; c++) {
            int r = (t0 + c) / group, h = kvh * group + (t0 + c) % group;
            w.qo[c] = (seq.row0() + r) * heads * headDim + h * headDim;
            w.visible[c] = Attention.visibleKeys(seq.pos0() + r, seq.maskBlock(), seq.kvLength());
            most = Math.max(most, w.visible[c]);
        }
        float scale = (float) (1.0 / Math.sqrt(headDim));
        for (int j0 = 0; j0 < most; j0 += PARK) {
            for (int c = 0; c < count; c++) {
                if (j0 >= w.visible[c]) {
                    continue;
                }
                int n = Math.min(PARK, w.visible[c] - j0);
                // two pairs over the same keys share each K load
                if (c + 1 < count && Math.min(PARK, w.visible[c + 1] - j0) == n) {
                    scores2(q, w.qo[c], w.qo[c + 1], k, rowStart, kvo, headDim, scale, j0, n, w.scores, c * w.stride,
                            (c + 1) * w.stride, w.park, w.park2);
                    c++;
                } else {
                    scores(q, w.qo[c], k, rowStart, kvo, headDim, scale, j0, n, w.scores, c * w.stride, w.park);
                }
            }
        }
        for (int c = 0; c < count; c++) {
            int at = c * w.stride, n = w.visible[c];
            float max = max(w.scores, at, n);
            float inv = 1f / LaneExp.expAndSum(w.scores, at, n, max);
            for (int j = at; j < at + n; j++) {
                w.scores[j] *= inv;
            }
        }
        for (int j0 = 0; j0 < most; j0 += VALUE_BLOCK) {
            for (int c = 0; c < count; c++) {
                if (j0 >= w.visible[c]) {
                    continue;
                }
                int to = Math.min(j0 + VALUE_BLOCK, w.visible[c]);
                // two pairs over the same keys (heads of one row) share each V load
                if (c + 1 < count && Math.min(j0 + VALUE_BLOCK, w.visible[c + 1]) == to
                        && headDim % (4 * L) == 0) {
                    values2(o, w.qo[c], w.qo[c + 1], v, rowStart, kvo, headDim, w.scores, c * w.stride,
                            (c + 1) * w.stride, j0, to);
                    c++;
                } else {
                    values(o, w.qo[c], v, rowStart, kvo, headDim, w.scores, c * w.stride, j0, to);
                }
            }
        }
    }

    /**
     * The largest of {@code s[from..from+n)} as a chain of {@code Math.max} would give it: max is commutative
     * and associative (NaN wins, +0 beats -0 in any order), so lanes may split the chain. The chain
     * of one scalar max per key (a compare-and-blend sequence) cost about as much as the dot products.
     */
    private static float max(float[] s, int from, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int upper = from + S.loopBound(n), i = from;
        for (; i < upper; i += L) {
            m = m.max(FloatVector.fromArray(S, s, i));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; i < from + n; i++) {
            max = Math.max(max, s[i]);
        }
        return max;
    }

    /**
     * Scaled q . k of keys {@code j0 .. j0 + n} (n <= PARK) for the query at {@code qo}, into
     * {@code scores[at + j]}. As Lanes.dot computes it (one accumulator fed in index order, the fixed
     * fold, the tail), but the accumulators are parked first and folded together: all sixteen in
     * one vector tree where vectors are 16 lanes wide (Lanes.sumSixteenParked), else with scalar
     * adds (Lanes.sumParked). Folding each key's vector alone cost more than its FMAs.
     */
    private static void scores(float[] q, int qo, float[] k, int[] rowStart, int kvo, int headDim, float scale,
                               int j0, int n, float[] scores, int at, float[] park) {
        int upper = S.loopBound(headDim);
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
        fold(q, qo, k, rowStart, kvo, headDim, scale, j0, n, scores, at, park);
    }

    /**
     * {@link #scores} for two queries at once over the same keys: each K load feeds both, eight
     * FMA chains instead of four. Each score sees exactly the operations {@code scores} gives it.
     */
    private static void scores2(float[] q, int qa, int qb, float[] k, int[] rowStart, int kvo, int headDim,
                                float scale, int j0, int n, float[] scores, int atA, int atB, float[] parkA,
                                float[] parkB) {
        int upper = S.loopBound(headDim);
        int jj = 0;
        for (; jj + 4 <= n; jj += 4) {
            int k0 = rowStart[j0 + jj] + kvo, k1 = rowStart[j0 + jj + 1] + kvo;
            int k2 = rowStart[j0 + jj + 2] + kvo, k3 = rowStart[j0 + jj + 3] + kvo;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int i = 0; i < upper; i += L) {
                FloatVector qva = FloatVector.fromArray(S, q, qa + i), qvb = FloatVector.fromArray(S, q, qb + i);
                FloatVector x0 = FloatVector.fromArray(S, k, k0 + i), x1 = FloatVector.fromArray(S, k, k1 + i);
                FloatVector x2 = FloatVector.fromArray(S, k, k2 + i), x3 = FloatVector.fromArray(S, k, k3 + i);
                a0 = qva.fma(x0, a0);
                a1 = qva.fma(x1, a1);
                a2 = qva.fma(x2, a2);
                a3 = qva.fma(x3, a3);
                b0 = qvb.fma(x0, b0);
                b1 = qvb.fma(x1, b1);
                b2 = qvb.fma(x2, b2);
                b3 = qvb.fma(x3, b3);
            }
            a0.intoArray(parkA, jj * L);
            a1.intoArray(parkA, (jj + 1) * L);
            a2.intoArray(parkA, (jj + 2) * L);
            a3.intoArray(parkA, (jj + 3) * L);
            b0.intoArray(parkB, jj * L);
            b1.intoArray(parkB, (jj + 1) * L);
            b2.intoArray(parkB, (jj + 2) * L);
            b3.intoArray(parkB, (jj + 3) * L);
        }
        for (; jj < n; jj++) {
            int ko = rowStart[j0 + jj] + kvo;
            FloatVector a = FloatVector.zero(S), b = a;
            for (int i = 0; i < upper; i += L) {
                FloatVector x = FloatVector.fromArray(S, k, ko + i);
                a = FloatVector.fromArray(S, q, qa + i).fma(x, a);
                b = FloatVector.fromArray(S, q, qb + i).fma(x, b);
            }
            a.intoArray(parkA, jj * L);
            b.intoArray(parkB, jj * L);
        }
        fold(q, qa, k, rowStart, kvo, headDim, scale, j0, n, scores, atA, parkA);
        fold(q, qb, k, rowStart, kvo, headDim, scale, j0, n, scores, atB, parkB);
    }

    /** The parked accumulators of keys {@code j0 .. j0 + n} folded, the tail added, scaled. */
    private static void fold(float[] q, int qo, float[] k, int[] rowStart, int kvo, int headDim, float scale, int j0,
                             int n, float[] scores, int at, float[] park) {
        int upper = S.loopBound(headDim), out = at + j0;
        boolean sixteen = n == PARK && Lanes.FOLDS_SIXTEEN;
        if (sixteen) {
            Lanes.sumSixteenParked(park, 0, scores, out);
        }
        for (int jj = 0; jj < n; jj++) {
            float folded = sixteen ? scores[out + jj] : Lanes.sumParked(park, jj * L);
            scores[out + jj] = Lanes.tail(folded, q, qo, k, rowStart[j0 + jj] + kvo, upper, headDim) * scale;
        }
    }

    /**
     * Adds keys {@code from .. to} of sum_j p_j v_j to the output row at {@code oo} ({@code p_j} at
     * {@code p[at + j]}), starting from zero when {@code from} is 0. Output vector by vector: its
     * accumulator stays in a register across the block's keys, and goes to the output between
     * blocks (a float stored and loaded is unchanged, so every output element still sees its keys
     * in order). Four, two or one vectors per pass over the keys: independent FMA chains instead of
     * one latency-bound chain.
     */
    private static void values(float[] o, int oo, float[] v, int[] rowStart, int kvo, int headDim, float[] p, int at,
                               int from, int to) {
        int upper = S.loopBound(headDim);
        boolean first = from == 0;
        int d = 0;
        for (; d + 4 * L <= upper; d += 4 * L) {
            FloatVector acc0 = start(o, oo + d, first), acc1 = start(o, oo + d + L, first);
            FloatVector acc2 = start(o, oo + d + 2 * L, first), acc3 = start(o, oo + d + 3 * L, first);
            for (int j = from; j < to; j++) {
                FloatVector pj = FloatVector.broadcast(S, p[at + j]);
                int vo = rowStart[j] + kvo + d;
                acc0 = FloatVector.fromArray(S, v, vo).fma(pj, acc0);
                acc1 = FloatVector.fromArray(S, v, vo + L).fma(pj, acc1);
                acc2 = FloatVector.fromArray(S, v, vo + 2 * L).fma(pj, acc2);
                acc3 = FloatVector.fromArray(S, v, vo + 3 * L).fma(pj, acc3);
            }
            acc0.intoArray(o, oo + d);
            acc1.intoArray(o, oo + d + L);
            acc2.intoArray(o, oo + d + 2 * L);
            acc3.intoArray(o, oo + d + 3 * L);
        }
        for (; d + 2 * L <= upper; d += 2 * L) {
            FloatVector acc0 = start(o, oo + d, first), acc1 = start(o, oo + d + L, first);
            for (int j = from; j < to; j++) {
                FloatVector pj = FloatVector.broadcast(S, p[at + j]);
                int vo = rowStart[j] + kvo + d;
                acc0 = FloatVector.fromArray(S, v, vo).fma(pj, acc0);
                acc1 = FloatVector.fromArray(S, v, vo + L).fma(pj, acc1);
            }
            acc0.intoArray(o, oo + d);
            acc1.intoArray(o, oo + d + L);
        }
        for (; d < upper; d += L) {
            FloatVector acc = start(o, oo + d, first);
            for (int j = from; j < to; j++) {
                acc = FloatVector.fromArray(S, v, rowStart[j] + kvo + d).fma(FloatVector.broadcast(S, p[at + j]), acc);
            }
            acc.intoArray(o, oo + d);
        }
        for (d = upper; d < headDim; d++) {
            float acc = first ? 0f : o[oo + d];
            for (int j = from; j < to; j++) {
                acc += p[at + j] * v[rowStart[j] + kvo + d];
            }
            o[oo + d] = acc;
        }
    }

    /**
     * {@link #values} for two outputs at once over the same keys, for heads whose width is a
     * multiple of 4 vectors: each V load feeds both, and eight FMA chains run instead of four. Each
     * output element sees exactly the operations {@code values} would give it.
     */
    private static void values2(float[] o, int oa, int ob, float[] v, int[] rowStart, int kvo, int headDim,
                                float[] p, int atA, int atB, int from, int to) {
        boolean first = from == 0;
        for (int d = 0; d < headDim; d += 4 * L) {
            FloatVector a0 = start(o, oa + d, first), a1 = start(o, oa + d + L, first);
            FloatVector a2 = start(o, oa + d + 2 * L, first), a3 = start(o, oa + d + 3 * L, first);
            FloatVector b0 = start(o, ob + d, first), b1 = start(o, ob + d + L, first);
            FloatVector b2 = start(o, ob + d + 2 * L, first), b3 = start(o, ob + d + 3 * L, first);
            for (int j = from; j < to; j++) {
                FloatVector pa = FloatVector.broadcast(S, p[atA + j]), pb = FloatVector.broadcast(S, p[atB + j]);
                int vo = rowStart[j] + kvo + d;
                FloatVector v0 = FloatVector.fromArray(S, v, vo), v1 = FloatVector.fromArray(S, v, vo + L);
                FloatVector v2 = FloatVector.fromArray(S, v, vo + 2 * L), v3 = FloatVector.fromArray(S, v, vo + 3 * L);
                a0 = v0.fma(pa, a0);
                a1 = v1.fma(pa, a1);
                a2 = v2.fma(pa, a2);
                a3 = v3.fma(pa, a3);
                b0 = v0.fma(pb, b0);
                b1 = v1.fma(pb, b1);
                b2 = v2.fma(pb, b2);
                b3 = v3.fma(pb, b3);
            }
            a0.intoArray(o, oa + d);
            a1.intoArray(o, oa + d + L);
            a2.intoArray(o, oa + d + 2 * L);
            a3.intoArray(o, oa + d + 3 * L);
            b0.intoArray(o, ob + d);
            b1.intoArray(o, ob + d + L);
            b2.intoArray(o, ob + d + 2 * L);
            b3.intoArray(o, ob + d + 3 * L);
        }
    }

    private static FloatVector start(float[] o, int at, boolean first) {
        return first ? FloatVector.zero(S) : FloatVector.fromArray(S, o, at);
    }
}
