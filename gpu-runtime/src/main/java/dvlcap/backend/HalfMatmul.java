package dvlcap.backend;

import static dvlcap.backend.Lanes.L;
import static dvlcap.backend.Lanes.S;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

import dvlcap.model.HalfFloats;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorMatmul}'s tiles for 16-bit weights read straight from their (memory-mapped)
 * buffers: L shorts are loaded, widened to ints and turned into L floats in registers, so no
 * float32 copy of the weight exists anywhere, and a forward reads half the bytes of float32.
 *
 * <p>The widening is exact (bf16 is the high half of a float32; f16 is rebiased below), so each
 * output element sees the same {@code fma} sequence as the float32 tiles would on the widened
 * weight: a 16-bit weight gives bitwise the float32 result of its widened values, and keeps
 * {@link VectorMatmul}'s batch-independence. Loads are written out per tile (not behind a
 * virtual call) because a non-inlined call would box every vector.
 */
final class HalfMatmul {
    /** Shorts with as many lanes as {@link Lanes#S} has floats. */
    private static final VectorSpecies<Short> SS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    /** Weight rows per cache block: about 256 KiB of weights, reused by every x row tile. */
    private static final int BLOCK_BYTES = 256 * 1024;

    private HalfMatmul() {
    }

    /**
     * Output features {@code [o0, o1)} for all rows, in blocks that stay in cache and never
     * straddle two of the weight's buffers.
     */
    static void block(float[] out, float[] x, CpuWeight w, float[] bias, int rows, int n, int m, int o0, int o1) {
        boolean bf16 = w.bf16();
        int perChunk = w.rowsPerChunk();
        int blockRows = Math.max(4, (BLOCK_BYTES / Short.BYTES / Math.max(1, n)) & ~3);
        int rowBytes = n * Short.BYTES;
        for (int ob = o0; ob < o1; ) {
            int chunkFirst = ob - ob % perChunk;
            int oe = (int) Math.min(Math.min(o1, (long) ob + blockRows), (long) chunkFirst + perChunk);
            ByteBuffer b = w.chunkOf(ob);
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                int o = ob;
                for (; o + 2 <= oe; o += 2) {
                    tile4x2(out, x, b, bf16, bias, n, m, r, o, (o - chunkFirst) * rowBytes);
                }
                for (; o < oe; o++) {
                    for (int rr = r; rr < r + 4; rr++) {
                        tile1x1(out, x, b, bf16, bias, n, m, rr, o, (o - chunkFirst) * rowBytes);
                    }
                }
            }
            for (; r < rows; r++) {
                int o = ob;
                for (; o + 4 <= oe; o += 4) {
                    tile1x4(out, x, b, bf16, bias, n, m, r, o, (o - chunkFirst) * rowBytes);
                }
                for (; o < oe; o++) {
                    tile1x1(out, x, b, bf16, bias, n, m, r, o, (o - chunkFirst) * rowBytes);
                }
            }
            ob = oe;
        }
    }

    /** L weights from byte {@code at} of {@code b}, widened to float32. */
    static FloatVector load(ByteBuffer b, int at, boolean bf16) {
        IntVector h = (IntVector) ShortVector.fromByteBuffer(SS, b, at, LITTLE_ENDIAN)
                .convertShape(VectorOperators.S2I, IS, 0);
        return bf16 ? h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats() : f16(h);
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

    private static float widen(ByteBuffer b, int at, boolean bf16) {
        short h = b.getShort(at);
        return bf16 ? HalfFloats.bf16ToFloat(h) : HalfFloats.f16ToFloat(h);
    }

    /** Adds the products the vector loop left out, in index order (as {@link Lanes#tail}). */
    private static float tail(float s, float[] x, int xo, ByteBuffer b, int wo, boolean bf16, int from, int n) {
        for (int i = from; i < n; i++) {
            s += x[xo + i] * widen(b, wo + 2 * i, bf16);
        }
        return s;
    }

    private static void store(float[] out, float[] bias, int m, int r, int o, float s) {
        out[r * m + o] = bias == null ? s : s + bias[o];
    }

    /** Four x rows against two weight rows (byte offsets {@code w0}, {@code w0 + 2n}). */
    private static void tile4x2(float[] out, float[] x, ByteBuffer b, boolean bf16, float[] bias, int n, int m,
                                int r, int o, int w0) {
        int x0 = r * n, x1 = x0 + n, x2 = x1 + n, x3 = x2 + n;
        int w1 = w0 + 2 * n;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int upper = S.loopBound(n);
        for (int i = 0; i < upper; i += L) {
            FloatVector v0 = load(b, w0 + 2 * i, bf16);
            FloatVector v1 = load(b, w1 + 2 * i, bf16);
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
        store(out, bias, m, r, o, tail(Lanes.sum(a00), x, x0, b, w0, bf16, upper, n));
        store(out, bias, m, r, o + 1, tail(Lanes.sum(a01), x, x0, b, w1, bf16, upper, n));
        store(out, bias, m, r + 1, o, tail(Lanes.sum(a10), x, x1, b, w0, bf16, upper, n));
        store(out, bias, m, r + 1, o + 1, tail(Lanes.sum(a11), x, x1, b, w1, bf16, upper, n));
        store(out, bias, m, r + 2, o, tail(Lanes.sum(a20), x, x2, b, w0, bf16, upper, n));
        store(out, bias, m, r + 2, o + 1, tail(Lanes.sum(a21), x, x2, b, w1, bf16, upper, n));
        store(out, bias, m, r + 3, o, tail(Lanes.sum(a30), x, x3, b, w0, bf16, upper, n));
        store(out, bias, m, r + 3, o + 1, tail(Lanes.sum(a31), x, x3, b, w1, bf16, upper, n));
    }

    /** One x row against four weight rows: the decode-time shape, bound by reading the weights. */
    private static void tile1x4(float[] out, float[] x, ByteBuffer b, boolean bf16, float[] bias, int n, int m,
                                int r, int o, int w0) {
        int x0 = r * n;
        int w1 = w0 + 2 * n, w2 = w1 + 2 * n, w3 = w2 + 2 * n;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int upper = S.loopBound(n);
        for (int i = 0; i < upper; i += L) {
            FloatVector u = FloatVector.fromArray(S, x, x0 + i);
            a0 = u.fma(load(b, w0 + 2 * i, bf16), a0);
            a1 = u.fma(load(b, w1 + 2 * i, bf16), a1);
            a2 = u.fma(load(b, w2 + 2 * i, bf16), a2);
            a3 = u.fma(load(b, w3 + 2 * i, bf16), a3);
        }
        store(out, bias, m, r, o, tail(Lanes.sum(a0), x, x0, b, w0, bf16, upper, n));
        store(out, bias, m, r, o + 1, tail(Lanes.sum(a1), x, x0, b, w1, bf16, upper, n));
        store(out, bias, m, r, o + 2, tail(Lanes.sum(a2), x, x0, b, w2, bf16, upper, n));
        store(out, bias, m, r, o + 3, tail(Lanes.sum(a3), x, x0, b, w3, bf16, upper, n));
    }

    private static void tile1x1(float[] out, float[] x, ByteBuffer b, boolean bf16, float[] bias, int n, int m,
                                int r, int o, int w0) {
        int x0 = r * n;
        FloatVector acc = FloatVector.zero(S);
        int upper = S.loopBound(n);
        for (int i = 0; i < upper; i += L) {
            acc = FloatVector.fromArray(S, x, x0 + i).fma(load(b, w0 + 2 * i, bf16), acc);
        }
        store(out, bias, m, r, o, tail(Lanes.sum(acc), x, x0, b, w0, bf16, upper, n));
    }
}
