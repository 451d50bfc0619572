package dvlcap.backend;

import static dvlcap.backend.Lanes.L;
import static dvlcap.backend.Lanes.S;

import jdk.incubator.vector.FloatVector;

/**
 * {@code out = x * w^T + bias} with the Vector API, parallel over output features. Float32
 * weights run the tiles below; bf16/f16 weights run {@link HalfMatmul}'s, which widen in registers
 * and sum in their own (even/odd) order, equally batch-independent.
 *
 * <p>Batch-independence: every output element is one accumulator vector fed with
 * {@code fma(x[i..i+L], w[i..i+L])} for i = 0, L, 2L, ... in order, folded by {@link Lanes#sum},
 * then the scalar tail, then the bias. The micro-kernels below only differ in how many such
 * accumulators they run side by side (to reuse each loaded vector), never in what one accumulator
 * sees, so a row's result is the same whether it went through the 4x2 tile or the 1x4 tile, and
 * whatever the partition over threads.
 */
final class VectorMatmul {
    /**
     * A call runs on the caller's thread below this many multiply-adds (2^20: about 20-40
     * microseconds on one core), where handing out parts costs more than it saves, ...
     * {@code dvlcap.matmul.parallelMinFmas} overrides it (for measuring).
     */
    private static final long PARALLEL_MIN_FMAS = Long.getLong("dvlcap.matmul.parallelMinFmas", 1L << 20);
    /**
     * ... or from this many weights, whatever the rows: a call that streams 1 MiB of f32 weights
     * from memory (a 1-row 896x896 projection: 40 us on one core) is bound by the read, which two
     * cores share, and the workers take a call in microseconds since they spin between calls
     * ({@link WorkerPool}). Small models' weights (a 128x384 layer: 196 KiB, in L2) keep the
     * multiply-add rule. {@code dvlcap.matmul.parallelMinWeights} overrides it.
     */
    private static final long PARALLEL_MIN_WEIGHTS = Long.getLong("dvlcap.matmul.parallelMinWeights", 1L << 18);
    /** Weight rows per cache block: about 256 KiB of weights, reused by every x row tile. */
    private static final int BLOCK_BYTES = 256 * 1024;
    /** x permuted for 16-bit weights, on the caller's thread for the length of a call. */
    private static final FloatSlot SPLIT = new FloatSlot();
    /** The 4x4 and 1x8 tiles' parked accumulators (two slots: a block uses both). */
    private static final FloatSlot ACC = new FloatSlot(), ACC8 = new FloatSlot();

    private final WorkerPool pool;

    VectorMatmul(WorkerPool pool) {
        this.pool = pool;
    }

    void run(float[] out, float[] x, CpuWeight w, float[] bias, int rows) {
        runAll(x, rows, new float[][] {out}, new CpuWeight[] {w}, new float[][] {bias});
    }

    /**
     * {@code outs[i] = x * ws[i]^T + biases[i]} for every i (weights of x's width). When any of
     * them is worth parallel parts on its own, the parts of all of them go out as one pool job, so
     * the caller waits once and a weight too small to split (a 1-row k or v projection) runs on
     * one thread while the others run the big weight's parts; otherwise all run on the caller. A
     * part computes whole outputs with the same tiles as ever, so results do not change.
     */
    void runAll(float[] x, int rows, float[][] outs, CpuWeight[] ws, float[][] biases) {
        int count = ws.length;
        int[] chunk = new int[count];
        int[] firstPart = new int[count + 1];
        boolean anyParallel = false;
        float[] split = null;
        for (int i = 0; i < count; i++) {
            CpuWeight w = ws[i];
            int n = w.cols(), m = w.rows();
            boolean parallel = (long) rows * n * m >= PARALLEL_MIN_FMAS || (long) n * m >= PARALLEL_MIN_WEIGHTS;
            anyParallel |= parallel;
            int parts = !parallel ? 1 : Math.min(pool.threads() * 4, Math.max(1, m / 8));
            // Chunks are multiples of 8 weight rows so the 4x4 and 1x8 tiles are used everywhere but the end.
            chunk[i] = Math.max(8, ((m + parts - 1) / parts + 7) & ~7); // 8 keeps a 0-row weight at 0 parts
            firstPart[i + 1] = firstPart[i] + (m + chunk[i] - 1) / chunk[i];
            if (!w.onHeap()) {
                w.packIfAllowed(); // before the parts start, so they all read the same copy
                // 16-bit weights read x in HalfMatmul's even/odd order: permuted once for all parts
                if (split == null) {
                    split = HalfMatmul.split(x, rows, n, SPLIT.get(rows * n));
                }
            }
        }
        float[] xs = split;
        if (!anyParallel || pool.threads() == 1) {
            for (int i = 0; i < count; i++) {
                CpuWeight w = ws[i];
                block(outs[i], w.onHeap() ? x : xs, w, biases[i], rows, w.cols(), w.rows(), 0, w.rows());
            }
            return;
        }
        pool.forEach(firstPart[count], p -> {
            int i = 0;
            while (p >= firstPart[i + 1]) {
                i++;
            }
            CpuWeight w = ws[i];
            int o0 = (p - firstPart[i]) * chunk[i];
            block(outs[i], w.onHeap() ? x : xs, w, biases[i], rows, w.cols(), w.rows(), o0, Math.min(w.rows(), o0 + chunk[i]));
        });
    }

    /** {@code xin} is x for float32 weights, x after {@link HalfMatmul#split} for 16-bit ones. */
    private static void block(float[] out, float[] xin, CpuWeight w, float[] bias, int rows, int n, int m, int o0,
                              int o1) {
        if (w.onHeap()) {
            block(out, xin, w.data(), bias, rows, n, m, o0, o1);
        } else {
            HalfMatmul.block(out, xin, w, bias, rows, n, m, o0, o1);
        }
    }

    /** Output features {@code [o0, o1)} for all rows, blocked so a weight block stays in cache. */
    private static void block(float[] out, float[] x, float[] w, float[] bias, int rows, int n, int m, int o0, int o1) {
        int blockRows = Math.max(4, (BLOCK_BYTES / Float.BYTES / n) & ~3);
        float[] acc = rows >= 4 ? ACC.get(16 * L) : null;
        float[] acc8 = rows % 4 != 0 ? ACC8.get(8 * L) : null;
        for (int ob = o0; ob < o1; ob += blockRows) {
            int oe = Math.min(o1, ob + blockRows);
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                int o = ob;
                for (; o + 4 <= oe; o += 4) {
                    tile4x4(out, x, w, bias, n, m, r, o, acc);
                }
                for (; o + 2 <= oe; o += 2) {
                    tile4x2(out, x, w, bias, n, m, r, o);
                }
                for (; o < oe; o++) {
                    for (int rr = r; rr < r + 4; rr++) {
                        tile1x1(out, x, w, bias, n, m, rr, o);
                    }
                }
            }
            for (; r < rows; r++) {
                int o = ob;
                for (; o + 8 <= oe; o += 8) {
                    tile1x8(out, x, w, bias, n, m, r, o, acc8);
                }
                for (; o + 4 <= oe; o += 4) {
                    tile1x4(out, x, w, bias, n, m, r, o);
                }
                for (; o < oe; o++) {
                    tile1x1(out, x, w, bias, n, m, r, o);
                }
            }
        }
    }

    private static void store(float[] out, float[] bias, int m, int r, int o, float s) {
        out[r * m + o] = bias == null ? s : s + bias[o];
    }

    /**
     * Four x rows against four weight rows: 16 independent accumulators, 8 loads per 16 FMAs, so
     * the loads keep up with two FMA ports even when the rows stream from L2 (long rows).
     */
    private static void tile4x4(float[] out, float[] x, float[] w, float[] bias, int n, int m, int r, int o,
                                float[] acc) {
        int x0 = r * n, x1 = x0 + n, x2 = x1 + n, x3 = x2 + n;
        int w0 = o * n, w1 = w0 + n, w2 = w1 + n, w3 = w2 + n;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int upper = S.loopBound(n);
        for (int i = 0; i < upper; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, w, w0 + i);
            FloatVector v1 = FloatVector.fromArray(S, w, w1 + i);
            FloatVector v2 = FloatVector.fromArray(S, w, w2 + i);
            FloatVector v3 = FloatVector.fromArray(S, w, w3 + i);
            FloatVector u = FloatVector.fromArray(S, x, x0 + i);
            a00 = u.fma(v0, a00);
            a01 = u.fma(v1, a01);
            a02 = u.fma(v2, a02);
            a03 = u.fma(v3, a03);
            u = FloatVector.fromArray(S, x, x1 + i);
            a10 = u.fma(v0, a10);
            a11 = u.fma(v1, a11);
            a12 = u.fma(v2, a12);
            a13 = u.fma(v3, a13);
            u = FloatVector.fromArray(S, x, x2 + i);
            a20 = u.fma(v0, a20);
            a21 = u.fma(v1, a21);
            a22 = u.fma(v2, a22);
            a23 = u.fma(v3, a23);
            u = FloatVector.fromArray(S, x, x3 + i);
            a30 = u.fma(v0, a30);
            a31 = u.fma(v1, a31);
            a32 = u.fma(v2, a32);
            a33 = u.fma(v3, a33);
        }
        a00.intoArray(acc, 0 * L);
        a01.intoArray(acc, 1 * L);
        a02.intoArray(acc, 2 * L);
        a03.intoArray(acc, 3 * L);
        a10.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a12.intoArray(acc, 6 * L);
        a13.intoArray(acc, 7 * L);
        a20.intoArray(acc, 8 * L);
        a21.intoArray(acc, 9 * L);
        a22.intoArray(acc, 10 * L);
        a23.intoArray(acc, 11 * L);
        a30.intoArray(acc, 12 * L);
        a31.intoArray(acc, 13 * L);
        a32.intoArray(acc, 14 * L);
        a33.intoArray(acc, 15 * L);
        finish4x4(out, x, w, bias, n, m, r, o, upper, acc);
    }

    /**
     * Folds and stores a 4x4 tile's accumulators, parked in {@code acc} (row-major, L lanes each):
     * a separate method keeps the vector loop small enough for the JIT to inline every vector
     * operation (a vector op left as a call would be boxed).
     */
    private static void finish4x4(float[] out, float[] x, float[] w, float[] bias, int n, int m, int r, int o,
                                  int upper, float[] acc) {
        for (int rr = 0; rr < 4; rr++) {
            int xr = (r + rr) * n;
            for (int c = 0; c < 4; c++) {
                float s = Lanes.sumParked(acc, (rr * 4 + c) * L);
                store(out, bias, m, r + rr, o + c, Lanes.tail(s, x, xr, w, (o + c) * n, upper, n));
            }
        }
    }

    /** Four x rows against two weight rows: 8 independent accumulators, 6 loads per 8 FMAs. */
    private static void tile4x2(float[] out, float[] x, float[] w, float[] bias, int n, int m, int r, int o) {
        int x0 = r * n, x1 = x0 + n, x2 = x1 + n, x3 = x2 + n;
        int w0 = o * n, w1 = w0 + n;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int upper = S.loopBound(n);
        for (int i = 0; i < upper; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, w, w0 + i);
            FloatVector v1 = FloatVector.fromArray(S, w, w1 + i);
            FloatVector u = FloatVector.fromArray(S, x, x0 + i);
            a00 = u.fma(v0, a00);
            a01 = u.fma(v1, a01);
            u = FloatVector.fromArray(S, x, x1 + i);
            a10 = u.fma(v0, a10);
            a11 = u.fma(v1, a11);
            u = FloatVector.fromArray(S, x, x2 + i);
            a20 = u.fma(v0, a20);
            a21 = u.fma(v1, a21);
            u = FloatVector.fromArray(S, x, x3 + i);
            a30 = u.fma(v0, a30);
            a31 = u.fma(v1, a31);
        }
        store(out, bias, m, r, o, Lanes.tail(Lanes.sum(a00), x, x0, w, w0, upper, n));
        store(out, bias, m, r, o + 1, Lanes.tail(Lanes.sum(a01), x, x0, w, w1, upper, n));
        store(out, bias, m, r + 1, o, Lanes.tail(Lanes.sum(a10), x, x1, w, w0, upper, n));
        store(out, bias, m, r + 1, o + 1, Lanes.tail(Lanes.sum(a11), x, x1, w, w1, upper, n));
        store(out, bias, m, r + 2, o, Lanes.tail(Lanes.sum(a20), x, x2, w, w0, upper, n));
        store(out, bias, m, r + 2, o + 1, Lanes.tail(Lanes.sum(a21), x, x2, w, w1, upper, n));
        store(out, bias, m, r + 3, o, Lanes.tail(Lanes.sum(a30), x, x3, w, w0, upper, n));
        store(out, bias, m, r + 3, o + 1, Lanes.tail(Lanes.sum(a31), x, x3, w, w1, upper, n));
    }

    /**
     * One x row against eight weight rows: the decode-time shape, bound by reading the weights;
     * eight streams in flight, one x load per eight weight loads.
     */
    private static void tile1x8(float[] out, float[] x, float[] w, float[] bias, int n, int m, int r, int o,
                                float[] acc) {
        int x0 = r * n;
        int w0 = o * n, w1 = w0 + n, w2 = w1 + n, w3 = w2 + n, w4 = w3 + n, w5 = w4 + n, w6 = w5 + n, w7 = w6 + n;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int upper = S.loopBound(n);
        for (int i = 0; i < upper; i += L) {
            FloatVector u = FloatVector.fromArray(S, x, x0 + i);
            a0 = u.fma(FloatVector.fromArray(S, w, w0 + i), a0);
            a1 = u.fma(FloatVector.fromArray(S, w, w1 + i), a1);
            a2 = u.fma(FloatVector.fromArray(S, w, w2 + i), a2);
            a3 = u.fma(FloatVector.fromArray(S, w, w3 + i), a3);
            a4 = u.fma(FloatVector.fromArray(S, w, w4 + i), a4);
            a5 = u.fma(FloatVector.fromArray(S, w, w5 + i), a5);
            a6 = u.fma(FloatVector.fromArray(S, w, w6 + i), a6);
            a7 = u.fma(FloatVector.fromArray(S, w, w7 + i), a7);
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, L);
        a2.intoArray(acc, 2 * L);
        a3.intoArray(acc, 3 * L);
        a4.intoArray(acc, 4 * L);
        a5.intoArray(acc, 5 * L);
        a6.intoArray(acc, 6 * L);
        a7.intoArray(acc, 7 * L);
        for (int c = 0; c < 8; c++) {
            float s = Lanes.sumParked(acc, c * L);
            store(out, bias, m, r, o + c, Lanes.tail(s, x, x0, w, (o + c) * n, upper, n));
        }
    }

    /** One x row against four weight rows: the decode-time shape (few rows, weights streamed). */
    private static void tile1x4(float[] out, float[] x, float[] w, float[] bias, int n, int m, int r, int o) {
        int x0 = r * n;
        int w0 = o * n, w1 = w0 + n, w2 = w1 + n, w3 = w2 + n;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int upper = S.loopBound(n);
        for (int i = 0; i < upper; i += L) {
            FloatVector u = FloatVector.fromArray(S, x, x0 + i);
            a0 = u.fma(FloatVector.fromArray(S, w, w0 + i), a0);
            a1 = u.fma(FloatVector.fromArray(S, w, w1 + i), a1);
            a2 = u.fma(FloatVector.fromArray(S, w, w2 + i), a2);
            a3 = u.fma(FloatVector.fromArray(S, w, w3 + i), a3);
        }
        store(out, bias, m, r, o, Lanes.tail(Lanes.sum(a0), x, x0, w, w0, upper, n));
        store(out, bias, m, r, o + 1, Lanes.tail(Lanes.sum(a1), x, x0, w, w1, upper, n));
        store(out, bias, m, r, o + 2, Lanes.tail(Lanes.sum(a2), x, x0, w, w2, upper, n));
        store(out, bias, m, r, o + 3, Lanes.tail(Lanes.sum(a3), x, x0, w, w3, upper, n));
    }

    private static void tile1x1(float[] out, float[] x, float[] w, float[] bias, int n, int m, int r, int o) {
        store(out, bias, m, r, o, Lanes.dot(x, r * n, w, o * n, n));
    }
}
