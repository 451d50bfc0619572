package dvlcap.backend;

import static dvlcap.backend.Lanes.L;
import static dvlcap.backend.Lanes.S;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

import dvlcap.model.HalfFloats;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorMatmul}'s tiles for 16-bit weights kept in their (memory-mapped) buffers, so no
 * float32 copy of the weight exists anywhere and a forward reads half the bytes of float32. The
 * tiles run over one cache-sized block of weight rows at a time, copied bit for bit into a small
 * per-thread int array ({@link #stage}).
 *
 * <p>Even/odd widening: a 2L-element stretch of a weight row is loaded as L ints (little-endian,
 * so each int holds weight 2j in its low half and weight 2j+1 in its high half). For bf16 the
 * odd weights are the ints with the low half cleared and the even ones the ints shifted up 16,
 * both exact float32 values; f16 widens the two halves with {@link #f16}. So a load costs two
 * cheap lane-wise operations and no cross-lane conversion (loading L shorts and widening them
 * to ints kept one core at half the bytes per second of the float32 kernel). The x rows are
 * permuted to match once per call ({@link #split}), and each output element is one accumulator
 * fed {@code fma(x_even, w_even)} then {@code fma(x_odd, w_odd)} per stretch, in index order of
 * stretches, folded by {@link Lanes#sum}, then the scalar tail in index order, then the bias.
 * Every tile does exactly that per output, so results are batch-independent like
 * {@link VectorMatmul}'s; they are not bitwise the float32 tiles' on the widened values (the
 * products are summed in another order), only equal within float rounding.
 *
 * <p>Loads are written out per tile (not behind a virtual call) because a non-inlined call
 * would box every vector. C2's inlining node cutoff (about 18,000 IR nodes per compiled method;
 * each Vector API call parses into hundreds) sets the tile shapes: past it the remaining vector
 * calls are left as calls and boxed (the 1x8 tile ran 6x slower). So the 1x8 and 4x2 tiles
 * park their accumulators in a small array and fold them in a loop ({@link Lanes#sumParked},
 * bitwise {@link Lanes#sum}), bf16 runs 4x2, 1x8 and 1x1 tiles, and f16, whose widening is a
 * dozen operations per half, runs 4x1 and 1x1 tiles only.
 */
final class HalfMatmul {
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    /** Weights per vector load: L ints of two 16-bit weights each. */
    private static final int STEP = 2 * L;
    /** The high half of each int: the odd bf16 weight, in place as a float32. */
    private static final int HIGH = 0xFFFF0000;
    /** Weight rows per cache block: about 256 KiB of weights, reused by every x row tile. */
    private static final int BLOCK_BYTES = 256 * 1024;

    private HalfMatmul() {
    }

    /** Elements of an n-long row that the vector loop covers (the rest is the scalar tail). */
    static int upper(int n) {
        return n - n % STEP;
    }

    /**
     * {@code x} ({@code rows} rows of {@code n}) with every 2L-element stretch permuted to its L
     * even-indexed elements followed by its L odd-indexed ones, the order the tiles read x in;
     * the tail past {@link #upper} stays in place.
     */
    static float[] split(float[] x, int rows, int n) {
        float[] xs = new float[rows * n];
        int upper = upper(n);
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            for (int i = base; i < base + upper; i += STEP) {
                for (int j = 0; j < L; j++) {
                    xs[i + j] = x[i + 2 * j];
                    xs[i + L + j] = x[i + 2 * j + 1];
                }
            }
            System.arraycopy(x, base + upper, xs, base + upper, n - upper);
        }
        return xs;
    }

    /**
     * Output features {@code [o0, o1)} for all rows of {@code xs} (x after {@link #split}), in
     * blocks that stay in cache and never straddle two of the weight's buffers.
     */
    static void block(float[] out, float[] xs, CpuWeight w, float[] bias, int rows, int n, int m, int o0, int o1) {
        boolean bf16 = w.bf16();
        int perChunk = w.rowsPerChunk();
        int stride = stride(n);
        int blockRows = Math.max(8, (BLOCK_BYTES / Integer.BYTES / stride) & ~7);
        float[] acc = new float[8 * L];
        for (int ob = o0; ob < o1; ) {
            int chunkFirst = ob - ob % perChunk;
            int oe = (int) Math.min(Math.min(o1, (long) ob + blockRows), (long) chunkFirst + perChunk);
            int[] b = stage(w.chunkOf(ob), ob - chunkFirst, oe - ob, n);
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                int o = ob;
                for (; !bf16 && o < oe; o++) {
                    tile4x1(out, xs, b, false, bias, n, m, r, o, (o - ob) * stride);
                }
                for (; o + 2 <= oe; o += 2) {
                    tile4x2(out, xs, b, bf16, bias, n, m, r, o, (o - ob) * stride, acc);
                }
                for (; o < oe; o++) {
                    for (int rr = r; rr < r + 4; rr++) {
                        tile1x1(out, xs, b, bf16, bias, n, m, rr, o, (o - ob) * stride);
                    }
                }
            }
            for (; r < rows; r++) {
                int o = ob;
                for (; bf16 && o + 8 <= oe; o += 8) {
                    int w0 = (o - ob) * stride;
                    bf16Tile1x8(xs, b, r * n, w0, stride, n, acc);
                    finish1x8(out, xs, b, bias, n, m, r, o, w0, stride, acc);
                }
                for (; o < oe; o++) {
                    tile1x1(out, xs, b, bf16, bias, n, m, r, o, (o - ob) * stride);
                }
            }
            ob = oe;
        }
    }

    /** Ints per staged weight row: two weights per int, an odd row's last int half-filled. */
    static int stride(int n) {
        return (n + 1) / 2;
    }

    /** This thread's staging array, {@link #BLOCK_BYTES} long or the longest block it has staged. */
    private static final ThreadLocal<int[]> STAGE = ThreadLocal.withInitial(() -> new int[BLOCK_BYTES / Integer.BYTES]);

    /**
     * Copies weight rows {@code [first, first + count)} of {@code chunk} (rows of {@code n}
     * 16-bit weights, from the chunk's start) into this thread's staging array, row {@code k} at
     * int {@code k * stride(n)}, each int holding weight 2j in its low half and 2j+1 in its high
     * half, and returns the array.
     *
     * <p>Why a copy: the tiles then load weights with {@code IntVector.fromArray}. A vector load
     * from the mapped buffer ({@code fromByteBuffer}) re-reads the buffer's address, limit and
     * scope and checks them on every 64-byte load under JDK 17's C2 (about 25 instructions), which
     * held one core to 13-17 GB/s of weights, while the bulk copy streams and the array loads run
     * at about 90 GB/s from cache. And {@code fromByteBuffer}/{@code fromByteArray} no longer
     * exist after JDK 19, {@code fromArray(int[])} does on every JDK. The copy moves bits
     * unchanged, so results are those of reading the buffer.
     */
    static int[] stage(ByteBuffer chunk, int first, int count, int n) {
        int stride = stride(n);
        int[] b = STAGE.get();
        if (b.length < count * stride) {
            b = new int[count * stride];
            STAGE.set(b);
        }
        int rowBytes = n * Short.BYTES;
        long start = (long) first * rowBytes;
        if (n % 2 == 0) {
            chunk.slice(Math.toIntExact(start), count * rowBytes).order(LITTLE_ENDIAN).asIntBuffer().get(b, 0, count * stride);
        } else {
            for (int k = 0; k < count; k++) {
                int at = Math.toIntExact(start + (long) k * rowBytes);
                chunk.slice(at, rowBytes).order(LITTLE_ENDIAN).asIntBuffer().get(b, k * stride, n / 2);
                b[k * stride + n / 2] = chunk.get(at + rowBytes - 2) & 0xFF | (chunk.get(at + rowBytes - 1) & 0xFF) << 8;
            }
        }
        return b;
    }

    /** L ints (2L weights) from int {@code at} of {@code b}. */
    static IntVector load(int[] b, int at) {
        return IntVector.fromArray(IS, b, at);
    }

    /** The even-indexed weights of a {@link #load}: the low halves, widened to float32. */
    static FloatVector even(IntVector v, boolean bf16) {
        return bf16 ? v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats() : f16(v);
    }

    /** The odd-indexed weights of a {@link #load}: the high halves, widened to float32. */
    static FloatVector odd(IntVector v, boolean bf16) {
        return bf16 ? v.and(HIGH).reinterpretAsFloats() : f16(v.lanewise(VectorOperators.LSHR, 16));
    }

    /**
     * IEEE binary16 (in the low 16 bits of each lane; the high bits are ignored) to float32,
     * exactly: exponent and mantissa move up 13 bits, and a multiply by 2^112 rebiases the
     * exponent from 15 to 127, which also turns subnormal halves (read as float32 subnormals)
     * into the right normal floats; infinities and NaNs get the all-ones exponent instead.
     */
    static FloatVector f16(IntVector h) {
        IntVector magnitude = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
        IntVector bits = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> special = h.and(0x7C00).compare(VectorOperators.EQ, 0x7C00);
        bits = bits.blend(magnitude.or(0x7F800000), special);
        return bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /** Weight {@code i} of the staged row starting at int {@code row}. */
    private static float widen(int[] b, int row, int i, boolean bf16) {
        int pair = b[row + (i >> 1)];
        short h = (short) ((i & 1) == 0 ? pair : pair >>> 16);
        return bf16 ? HalfFloats.bf16ToFloat(h) : HalfFloats.f16ToFloat(h);
    }

    /** Adds the products the vector loop left out, in index order (as {@link Lanes#tail}). */
    private static float tail(float s, float[] xs, int xo, int[] b, int wo, boolean bf16, int from, int n) {
        for (int i = from; i < n; i++) {
            s += xs[xo + i] * widen(b, wo, i, bf16);
        }
        return s;
    }

    private static void store(float[] out, float[] bias, int m, int r, int o, float s) {
        out[r * m + o] = bias == null ? s : s + bias[o];
    }

    /** Four x rows against two staged weight rows (from ints {@code w0}, {@code w0 + stride(n)}): bf16's row tiles. */
    private static void tile4x2(float[] out, float[] xs, int[] b, boolean bf16, float[] bias, int n, int m,
                                int r, int o, int w0, float[] acc) {
        int x0 = r * n, x1 = x0 + n, x2 = x1 + n, x3 = x2 + n;
        int w1 = w0 + stride(n);
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int upper = upper(n);
        for (int i = 0; i < upper; i += STEP) {
            IntVector v0 = load(b, w0 + i / 2), v1 = load(b, w1 + i / 2);
            FloatVector e0 = even(v0, bf16), e1 = even(v1, bf16), d0 = odd(v0, bf16), d1 = odd(v1, bf16);
            FloatVector ue = FloatVector.fromArray(S, xs, x0 + i), uo = FloatVector.fromArray(S, xs, x0 + i + L);
            a00 = uo.fma(d0, ue.fma(e0, a00));
            a01 = uo.fma(d1, ue.fma(e1, a01));
            ue = FloatVector.fromArray(S, xs, x1 + i);
            uo = FloatVector.fromArray(S, xs, x1 + i + L);
            a10 = uo.fma(d0, ue.fma(e0, a10));
            a11 = uo.fma(d1, ue.fma(e1, a11));
            ue = FloatVector.fromArray(S, xs, x2 + i);
            uo = FloatVector.fromArray(S, xs, x2 + i + L);
            a20 = uo.fma(d0, ue.fma(e0, a20));
            a21 = uo.fma(d1, ue.fma(e1, a21));
            ue = FloatVector.fromArray(S, xs, x3 + i);
            uo = FloatVector.fromArray(S, xs, x3 + i + L);
            a30 = uo.fma(d0, ue.fma(e0, a30));
            a31 = uo.fma(d1, ue.fma(e1, a31));
        }
        a00.intoArray(acc, 0);
        a01.intoArray(acc, L);
        a10.intoArray(acc, 2 * L);
        a11.intoArray(acc, 3 * L);
        a20.intoArray(acc, 4 * L);
        a21.intoArray(acc, 5 * L);
        a30.intoArray(acc, 6 * L);
        a31.intoArray(acc, 7 * L);
        for (int k = 0; k < 8; k++) {
            int xr = (r + k / 2) * n, wr = w0 + (k % 2) * stride(n);
            store(out, bias, m, r + k / 2, o + k % 2, tail(Lanes.sumParked(acc, k * L), xs, xr, b, wr, bf16, upper, n));
        }
    }

    /**
     * Four x rows against one weight row: f16's row tiles. The 4x2 tile widens f16 four times per
     * step and took C2 past its inlining node cutoff (the f16 prefill ran boxed, 2-3x slower).
     */
    private static void tile4x1(float[] out, float[] xs, int[] b, boolean bf16, float[] bias, int n, int m,
                                int r, int o, int w0) {
        int x0 = r * n, x1 = x0 + n, x2 = x1 + n, x3 = x2 + n;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int upper = upper(n);
        for (int i = 0; i < upper; i += STEP) {
            IntVector v = load(b, w0 + i / 2);
            FloatVector e = even(v, bf16), d = odd(v, bf16);
            a0 = FloatVector.fromArray(S, xs, x0 + i + L).fma(d, FloatVector.fromArray(S, xs, x0 + i).fma(e, a0));
            a1 = FloatVector.fromArray(S, xs, x1 + i + L).fma(d, FloatVector.fromArray(S, xs, x1 + i).fma(e, a1));
            a2 = FloatVector.fromArray(S, xs, x2 + i + L).fma(d, FloatVector.fromArray(S, xs, x2 + i).fma(e, a2));
            a3 = FloatVector.fromArray(S, xs, x3 + i + L).fma(d, FloatVector.fromArray(S, xs, x3 + i).fma(e, a3));
        }
        store(out, bias, m, r, o, tail(Lanes.sum(a0), xs, x0, b, w0, bf16, upper, n));
        store(out, bias, m, r + 1, o, tail(Lanes.sum(a1), xs, x1, b, w0, bf16, upper, n));
        store(out, bias, m, r + 2, o, tail(Lanes.sum(a2), xs, x2, b, w0, bf16, upper, n));
        store(out, bias, m, r + 3, o, tail(Lanes.sum(a3), xs, x3, b, w0, bf16, upper, n));
    }

    /**
     * One x row against eight staged bf16 weight rows ({@code stride} ints apart): the decode-time shape,
     * bound by reading the weights; eight streams in flight per pair of x loads. bf16 only, with
     * the widening written out and the accumulators parked in {@code acc} for {@link #finish1x8}:
     * anything more in this method (the f16 branch of {@link #even}/{@link #odd}, the folds)
     * pushes C2 past its inlining node cutoff, and the last loads are then boxed.
     */
    private static void bf16Tile1x8(float[] xs, int[] b, int x0, int w0, int stride, int n, float[] acc) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int upper = upper(n);
        for (int i = 0; i < upper; i += STEP) {
            FloatVector ue = FloatVector.fromArray(S, xs, x0 + i), uo = FloatVector.fromArray(S, xs, x0 + i + L);
            int at = w0 + i / 2;
            IntVector v = IntVector.fromArray(IS, b, at);
            a0 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a0));
            v = IntVector.fromArray(IS, b, at + stride);
            a1 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a1));
            v = IntVector.fromArray(IS, b, at + 2 * stride);
            a2 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a2));
            v = IntVector.fromArray(IS, b, at + 3 * stride);
            a3 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a3));
            v = IntVector.fromArray(IS, b, at + 4 * stride);
            a4 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a4));
            v = IntVector.fromArray(IS, b, at + 5 * stride);
            a5 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a5));
            v = IntVector.fromArray(IS, b, at + 6 * stride);
            a6 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a6));
            v = IntVector.fromArray(IS, b, at + 7 * stride);
            a7 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a7));
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, L);
        a2.intoArray(acc, 2 * L);
        a3.intoArray(acc, 3 * L);
        a4.intoArray(acc, 4 * L);
        a5.intoArray(acc, 5 * L);
        a6.intoArray(acc, 6 * L);
        a7.intoArray(acc, 7 * L);
    }

    /** Folds, finishes and stores the eight accumulators {@link #bf16Tile1x8} parked in {@code acc}. */
    private static void finish1x8(float[] out, float[] xs, int[] b, float[] bias, int n, int m, int r, int o,
                                  int w0, int stride, float[] acc) {
        int upper = upper(n);
        for (int c = 0; c < 8; c++) {
            store(out, bias, m, r, o + c, tail(Lanes.sumParked(acc, c * L), xs, r * n, b, w0 + c * stride, true, upper, n));
        }
    }

    /**
     * One x row against one weight row: f16's single rows (a tile of several f16 rows widens
     * twice per load and took C2 past its inlining node cutoff, so the forward ran boxed) and
     * the 1x8 tile's leftovers.
     */
    private static void tile1x1(float[] out, float[] xs, int[] b, boolean bf16, float[] bias, int n, int m,
                                int r, int o, int w0) {
        int x0 = r * n;
        FloatVector acc = FloatVector.zero(S);
        int upper = upper(n);
        for (int i = 0; i < upper; i += STEP) {
            IntVector v = load(b, w0 + i / 2);
            acc = FloatVector.fromArray(S, xs, x0 + i + L).fma(odd(v, bf16),
                    FloatVector.fromArray(S, xs, x0 + i).fma(even(v, bf16), acc));
        }
        store(out, bias, m, r, o, tail(Lanes.sum(acc), xs, x0, b, w0, bf16, upper, n));
    }
}
