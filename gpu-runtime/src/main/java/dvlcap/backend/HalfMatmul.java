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
 * {@link VectorMatmul}'s tiles for 16-bit weights, so no float32 copy of the weight exists anywhere
 * and a forward reads half the bytes of float32. A weight is read either from its (memory-mapped)
 * buffers, one cache-sized block of weight rows at a time copied bit for bit into a small
 * per-thread int array ({@link #stage}), or from the heap, where {@link VectorBackend} has copied
 * it in panels of 8 rows ({@link #pack}) so that the single-row tile reads one sequential stream
 * and no staging copy is needed. The tiles read the same ints either way.
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
    /** The tiles' parked accumulators. */
    private static final FloatSlot ACC = new FloatSlot();

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
        return split(x, rows, n, new float[rows * n]);
    }

    /** {@link #split} into {@code xs} (at least {@code rows * n} long), returned. */
    static float[] split(float[] x, int rows, int n, float[] xs) {
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
     * blocks of weight rows that stay in cache while every x row passes over them and never
     * straddle two of the weight's buffers; {@code o0} is a multiple of 8 (whole panels).
     */
    static void block(float[] out, float[] xs, CpuWeight w, float[] bias, int rows, int n, int m, int o0, int o1) {
        int[] panels = w.panels();
        long perChunk = panels != null ? Long.MAX_VALUE / 2 : w.rowsPerChunk();
        int blockRows = Math.max(8, (BLOCK_BYTES / Integer.BYTES / stride(n)) & ~7);
        float[] acc = ACC.get(16 * L);
        for (int ob = o0; ob < o1; ) {
            long chunkFirst = ob - ob % perChunk;
            int oe = (int) Math.min(Math.min(o1, (long) ob + blockRows), chunkFirst + perChunk);
            if (panels != null && w.bf16()) {
                panelTiles(out, xs, panels, bias, rows, n, m, ob, oe, acc);
            } else {
                int[] b = panels != null ? panels : stage(w.chunkOf(ob), (int) (ob - chunkFirst), oe - ob, n);
                tiles(out, xs, b, w.bf16(), bias, rows, n, m, ob, oe, panels != null ? 0 : ob, panels != null, acc);
            }
            ob = oe;
        }
    }

    /**
     * Output features {@code [ob, oe)} for all rows from weight rows held in {@code b}: rows from
     * {@code first} one after another (a staged block), or the whole weight in panels (f16 only:
     * bf16 panels run {@link #panelTiles}).
     */
    private static void tiles(float[] out, float[] xs, int[] b, boolean bf16, float[] bias, int rows, int n, int m,
                              int ob, int oe, int first, boolean panels, float[] acc) {
        int stride = stride(n);
        // Ints from one weight row to the next within a tile, and from one stretch to the next.
        int gap = panels ? L : stride;
        int step = panels ? PANEL * L : L;
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int o = ob;
            for (; !bf16 && o < oe; o++) {
                tile4x1(out, xs, b, false, bias, n, m, r, o, start(o, first, stride, panels), step);
            }
            for (; o + 2 <= oe; o += 2) {
                tile4x2(out, xs, b, bf16, bias, n, m, r, o, start(o, first, stride, panels), gap, step, acc);
            }
            for (; o < oe; o++) {
                for (int rr = r; rr < r + 4; rr++) {
                    tile1x1(out, xs, b, bf16, bias, n, m, rr, o, start(o, first, stride, panels), step);
                }
            }
        }
        for (; r < rows; r++) {
            int o = ob;
            for (; bf16 && o + 8 <= oe; o += 8) {
                int w0 = start(o, first, stride, panels);
                bf16Tile1x8(xs, b, r * n, w0, gap, step, n, acc);
                finish1x8(out, xs, b, bias, n, m, r, o, w0, gap, acc, 0);
            }
            for (; o < oe; o++) {
                tile1x1(out, xs, b, bf16, bias, n, m, r, o, start(o, first, stride, panels), step);
            }
        }
    }

    /**
     * Output features {@code [ob, oe)} (whole panels) of a bf16 weight in panels, panel by panel:
     * two x rows at a time read a panel, half by half ({@link #bf16Tile2x4}), an odd last row reads
     * it whole, and the rows after the first pair find it in cache.
     */
    private static void panelTiles(float[] out, float[] xs, int[] b, float[] bias, int rows, int n, int m, int ob,
                                   int oe, float[] acc) {
        int stride = stride(n);
        for (int o = ob; o < oe; o += PANEL) {
            int w0 = start(o, 0, stride, true);
            int r = 0;
            for (; r + 2 <= rows; r += 2) {
                for (int h = 0; h < PANEL; h += 4) {
                    bf16Tile2x4(xs, b, r * n, w0 + h * L, n, acc);
                    finish2x4(out, bias, m, r, o + h, acc, 0);
                    finish2x4(out, bias, m, r + 1, o + h, acc, 4 * L);
                }
            }
            if (r < rows) {
                bf16Tile1x8(xs, b, r * n, w0, L, PANEL * L, n, acc);
                finish1x8(out, xs, b, bias, n, m, r, o, w0, L, acc, 0);
            }
        }
    }

    /** Rows per panel of a packed weight. */
    static final int PANEL = 8;

    /** The int where weight row {@code o} starts: staged rows from {@code first}, or its place in its panel. */
    private static int start(int o, int first, int stride, boolean panels) {
        return panels ? (o - o % PANEL) * stride + (o % PANEL) * L : (o - first) * stride;
    }

    /** Whether a weight can be packed in panels: whole panels and no scalar tail. */
    static boolean packable(int rows, int cols) {
        return rows % PANEL == 0 && cols % STEP == 0 && (long) rows * stride(cols) <= Integer.MAX_VALUE - 8;
    }

    /**
     * The weight's bits on the heap in panels of {@link #PANEL} rows: within a panel, stretch
     * {@code s} of its rows lie side by side ({@code L} ints each), so the 1x8 tile reads one
     * sequential stream instead of eight short ones. The ints hold the same two weights each as a
     * staged row's, so every tile computes exactly what it computes from staged rows.
     */
    static int[] pack(CpuWeight w) {
        int n = w.cols(), stride = stride(n);
        int[] p = new int[w.rows() * stride];
        int[] panel = new int[PANEL * stride];
        for (int o = 0; o < w.rows(); o += PANEL) {
            for (int k = 0; k < PANEL; k++) {
                stageInto(w.chunkOf(o + k), (o + k) % w.rowsPerChunk(), 1, n, panel, k * stride);
            }
            // A plain int loop (the JIT vectorises it) rather than one arraycopy call per L ints.
            // Repacking runs at 2-5 GB/s; a first pack is slower, bound by faulting in the new
            // heap pages (about 0.25 GB/s in this project's VM).
            int at = o * stride;
            for (int s = 0; s < stride; s += L) {
                for (int k = 0; k < PANEL; k++) {
                    int from = k * stride + s;
                    for (int j = 0; j < L; j++) {
                        p[at++] = panel[from + j];
                    }
                }
            }
        }
        return p;
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
        int[] b = STAGE.get();
        if (b.length < count * stride(n)) {
            b = new int[count * stride(n)];
            STAGE.set(b);
        }
        stageInto(chunk, first, count, n, b, 0);
        return b;
    }

    /** {@link #stage} into {@code b} from int {@code off}. */
    static void stageInto(ByteBuffer chunk, int first, int count, int n, int[] b, int off) {
        int stride = stride(n);
        int rowBytes = n * Short.BYTES;
        long start = (long) first * rowBytes;
        if (n % 2 == 0) {
            chunk.slice(Math.toIntExact(start), count * rowBytes).order(LITTLE_ENDIAN).asIntBuffer().get(b, off, count * stride);
        } else {
            for (int k = 0; k < count; k++) {
                int at = Math.toIntExact(start + (long) k * rowBytes);
                chunk.slice(at, rowBytes).order(LITTLE_ENDIAN).asIntBuffer().get(b, off + k * stride, n / 2);
                b[off + k * stride + n / 2] = chunk.get(at + rowBytes - 2) & 0xFF | (chunk.get(at + rowBytes - 1) & 0xFF) << 8;
            }
        }
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
                                int r, int o, int w0, int gap, int step, float[] acc) {
        int x0 = r * n, x1 = x0 + n, x2 = x1 + n, x3 = x2 + n;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int upper = upper(n);
        for (int i = 0, at = w0; i < upper; i += STEP, at += step) {
            IntVector v0 = load(b, at), v1 = load(b, at + gap);
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
            int xr = (r + k / 2) * n, wr = w0 + (k % 2) * gap;
            store(out, bias, m, r + k / 2, o + k % 2, tail(Lanes.sumParked(acc, k * L), xs, xr, b, wr, bf16, upper, n));
        }
    }

    /**
     * Four x rows against one weight row: f16's row tiles. The 4x2 tile widens f16 four times per
     * step and took C2 past its inlining node cutoff (the f16 prefill ran boxed, 2-3x slower).
     */
    private static void tile4x1(float[] out, float[] xs, int[] b, boolean bf16, float[] bias, int n, int m,
                                int r, int o, int w0, int step) {
        int x0 = r * n, x1 = x0 + n, x2 = x1 + n, x3 = x2 + n;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int upper = upper(n);
        for (int i = 0, at = w0; i < upper; i += STEP, at += step) {
            IntVector v = load(b, at);
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
    private static void bf16Tile1x8(float[] xs, int[] b, int x0, int w0, int gap, int step, int n, float[] acc) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int upper = upper(n);
        for (int i = 0, at = w0; i < upper; i += STEP, at += step) {
            FloatVector ue = FloatVector.fromArray(S, xs, x0 + i), uo = FloatVector.fromArray(S, xs, x0 + i + L);
            IntVector v = IntVector.fromArray(IS, b, at);
            a0 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a0));
            v = IntVector.fromArray(IS, b, at + gap);
            a1 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a1));
            v = IntVector.fromArray(IS, b, at + 2 * gap);
            a2 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a2));
            v = IntVector.fromArray(IS, b, at + 3 * gap);
            a3 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a3));
            v = IntVector.fromArray(IS, b, at + 4 * gap);
            a4 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a4));
            v = IntVector.fromArray(IS, b, at + 5 * gap);
            a5 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a5));
            v = IntVector.fromArray(IS, b, at + 6 * gap);
            a6 = uo.fma(v.and(HIGH).reinterpretAsFloats(), ue.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a6));
            v = IntVector.fromArray(IS, b, at + 7 * gap);
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

    /**
     * Two x rows against half a panel (four bf16 weight rows, from int {@code w0}: stretch after
     * stretch, the rows' L ints side by side, {@link #pack}'s layout), both rows fed by each load;
     * each output gets exactly {@link #bf16Tile1x8}'s operations. A whole panel for two rows
     * would need 16 accumulators, past C2's inlining node cutoff (the loads were boxed, 25 MB
     * allocated per call). Accumulators parked in {@code acc}: row 0's four, then row 1's.
     */
    private static void bf16Tile2x4(float[] xs, int[] b, int x0, int w0, int n, float[] acc) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        int upper = upper(n), x1 = x0 + n;
        for (int i = 0, at = w0; i < upper; i += STEP, at += PANEL * L) {
            FloatVector ue = FloatVector.fromArray(S, xs, x0 + i), uo = FloatVector.fromArray(S, xs, x0 + i + L);
            FloatVector ve = FloatVector.fromArray(S, xs, x1 + i), vo = FloatVector.fromArray(S, xs, x1 + i + L);
            IntVector v = IntVector.fromArray(IS, b, at);
            FloatVector e = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector d = v.and(HIGH).reinterpretAsFloats();
            a0 = uo.fma(d, ue.fma(e, a0));
            c0 = vo.fma(d, ve.fma(e, c0));
            v = IntVector.fromArray(IS, b, at + L);
            e = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            d = v.and(HIGH).reinterpretAsFloats();
            a1 = uo.fma(d, ue.fma(e, a1));
            c1 = vo.fma(d, ve.fma(e, c1));
            v = IntVector.fromArray(IS, b, at + 2 * L);
            e = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            d = v.and(HIGH).reinterpretAsFloats();
            a2 = uo.fma(d, ue.fma(e, a2));
            c2 = vo.fma(d, ve.fma(e, c2));
            v = IntVector.fromArray(IS, b, at + 3 * L);
            e = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            d = v.and(HIGH).reinterpretAsFloats();
            a3 = uo.fma(d, ue.fma(e, a3));
            c3 = vo.fma(d, ve.fma(e, c3));
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, L);
        a2.intoArray(acc, 2 * L);
        a3.intoArray(acc, 3 * L);
        c0.intoArray(acc, 4 * L);
        c1.intoArray(acc, 5 * L);
        c2.intoArray(acc, 6 * L);
        c3.intoArray(acc, 7 * L);
    }

    /** Folds, finishes and stores the four accumulators of one x row {@link #bf16Tile2x4} parked in {@code acc} from {@code from} (panels have no tail). */
    private static void finish2x4(float[] out, float[] bias, int m, int r, int o, float[] acc, int from) {
        for (int c = 0; c < 4; c++) {
            store(out, bias, m, r, o + c, Lanes.sumParked(acc, from + c * L));
        }
    }

    /** Folds, finishes and stores the eight accumulators {@link #bf16Tile1x8} parked in {@code acc} from {@code from}. */
    private static void finish1x8(float[] out, float[] xs, int[] b, float[] bias, int n, int m, int r, int o,
                                  int w0, int gap, float[] acc, int from) {
        int upper = upper(n);
        for (int c = 0; c < 8; c++) {
            store(out, bias, m, r, o + c, tail(Lanes.sumParked(acc, from + c * L), xs, r * n, b, w0 + c * gap, true, upper, n));
        }
    }

    /**
     * One x row against one weight row: f16's single rows (a tile of several f16 rows widens
     * twice per load and took C2 past its inlining node cutoff, so the forward ran boxed) and
     * the 1x8 tile's leftovers.
     */
    private static void tile1x1(float[] out, float[] xs, int[] b, boolean bf16, float[] bias, int n, int m,
                                int r, int o, int w0, int step) {
        int x0 = r * n;
        FloatVector acc = FloatVector.zero(S);
        int upper = upper(n);
        for (int i = 0, at = w0; i < upper; i += STEP, at += step) {
            IntVector v = load(b, at);
            acc = FloatVector.fromArray(S, xs, x0 + i + L).fma(odd(v, bf16),
                    FloatVector.fromArray(S, xs, x0 + i).fma(even(v, bf16), acc));
        }
        store(out, bias, m, r, o, tail(Lanes.sum(acc), xs, x0, b, w0, bf16, upper, n));
    }
}
