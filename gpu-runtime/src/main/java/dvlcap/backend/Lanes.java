package dvlcap.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species the CPU kernels use and the one horizontal sum they all share.
 *
 * <p>{@link FloatVector#reduceLanes} leaves the order of a float sum unspecified, so the JIT and
 * the interpreter may legally disagree; a caption must not change because one kernel was compiled
 * and the other was not. {@link #sum} therefore folds the lanes in a fixed rotate-and-add tree made
 * of lane-wise IEEE operations only, which every execution mode computes identically.
 */
final class Lanes {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /** ROT[k] rotates lanes by L >> (k + 1): halves, then quarters, ... down to one lane. */
    private static final VectorShuffle<Float>[] ROT = rotations();

    /** Whether {@link #sumSixteenParked} exists here: it is written for 16 lanes (AVX-512). */
    static final boolean FOLDS_SIXTEEN = L == 16;
    /**
     * The order in which {@link #sumSixteenParked} folds the parked accumulators, as key offsets:
     * taken so, the tree's lanes come out in key order.
     */
    private static final int[] SIXTEEN_ORDER = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
    private static final VectorShuffle<Float> SWAP8 = swapWithin(8), SWAP4 = swapWithin(4), SWAP2 = swapWithin(2),
            SWAP1 = swapWithin(1);
    private static final VectorMask<Float> HIGH8 = mask(0xFF00L), HIGH4 = mask(0xF0F0L), HIGH2 = mask(0xCCCCL),
            HIGH1 = mask(0xAAAAL);

    private Lanes() {
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] rotations() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] r = new VectorShuffle[steps];
        for (int k = 0; k < steps; k++) {
            r[k] = VectorShuffle.iota(S, L >> (k + 1), 1, true);
        }
        return r;
    }

    /** Sum of all lanes in a fixed order (see the class comment). */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> rot : ROT) {
            v = v.add(v.rearrange(rot));
        }
        return v.lane(0);
    }

    /** Lane l takes lane l + h within its block of 2h lanes (wrapping inside the block). */
    private static VectorShuffle<Float> swapWithin(int h) {
        return FOLDS_SIXTEEN ? VectorShuffle.fromOp(S, l -> (l & ~(2 * h - 1)) | ((l + h) & (2 * h - 1))) : null;
    }

    private static VectorMask<Float> mask(long bits) {
        return FOLDS_SIXTEEN ? VectorMask.fromLong(S, bits) : null;
    }

    /**
     * {@link #sum} of each of the sixteen accumulators parked at {@code a[off + 16 key ..)}, written
     * to {@code out[outOff + key]}, using the parked values up (they are overwritten): bit for bit
     * sixteen {@link #sumParked} calls, for a fraction of their work, because the tree runs on whole
     * vectors: pairs of accumulators are folded a level and blended into one vector (lanes 0-7 from
     * one, 8-15 from the other), and so on down. Each lane adds the same two values {@link #sum}
     * adds (float addition is commutative bit for bit), so nothing is reassociated. Arrays in and
     * out, no vector crosses a call: C2 boxed the vectors of a fold it did not inline. 16 lanes only
     * ({@link #FOLDS_SIXTEEN}).
     */
    static void sumSixteenParked(float[] a, int off, float[] out, int outOff) {
        // two levels for four keys at a time; the result goes back over the first key's slot,
        // which this pass has read (so the parked accumulators are used up)
        for (int g = 0; g < 16; g += 4) {
            int first = off + SIXTEEN_ORDER[g] * L;
            FloatVector w = FloatVector.fromArray(S, a, first);
            FloatVector x = FloatVector.fromArray(S, a, off + SIXTEEN_ORDER[g + 1] * L);
            FloatVector y = FloatVector.fromArray(S, a, off + SIXTEEN_ORDER[g + 2] * L);
            FloatVector z = FloatVector.fromArray(S, a, off + SIXTEEN_ORDER[g + 3] * L);
            FloatVector wx = w.add(w.rearrange(SWAP8)).blend(x.add(x.rearrange(SWAP8)), HIGH8);
            FloatVector yz = y.add(y.rearrange(SWAP8)).blend(z.add(z.rearrange(SWAP8)), HIGH8);
            wx.add(wx.rearrange(SWAP4)).blend(yz.add(yz.rearrange(SWAP4)), HIGH4).intoArray(a, first);
        }
        // lanes 0-3 of pass g: its first key, 4-7 its third, 8-11 its second, 12-15 its fourth
        FloatVector g0 = FloatVector.fromArray(S, a, off + SIXTEEN_ORDER[0] * L);
        FloatVector g1 = FloatVector.fromArray(S, a, off + SIXTEEN_ORDER[4] * L);
        FloatVector g2 = FloatVector.fromArray(S, a, off + SIXTEEN_ORDER[8] * L);
        FloatVector g3 = FloatVector.fromArray(S, a, off + SIXTEEN_ORDER[12] * L);
        FloatVector r1 = g0.add(g0.rearrange(SWAP2)).blend(g1.add(g1.rearrange(SWAP2)), HIGH2);
        FloatVector r2 = g2.add(g2.rearrange(SWAP2)).blend(g3.add(g3.rearrange(SWAP2)), HIGH2);
        r1.add(r1.rearrange(SWAP1)).blend(r2.add(r2.rearrange(SWAP1)), HIGH1).intoArray(out, outOff);
    }

    /**
     * {@link #sum} of the L lanes parked at {@code a[off..off+L)}, computed with scalar adds in the
     * same association order: the rotate-and-add tree's lane 0 is
     * {@code t(0, 1)} with {@code t(i, h) = t(i, 2h) + t(i + h, 2h)} and {@code t(i, L) = a[off+i]}
     * (lanes i and i + L/2 first, then i and i + L/4, ...), so the result is bitwise {@link #sum}'s.
     * For short dot products (a 128-long row is 8 vectors) the vector fold's four shuffles per
     * output cost more than the products; 15 independent scalar adds over an array already in L1 do not.
     */
    static float sumParked(float[] a, int off) {
        if (L == 16) {
            float w0 = a[off] + a[off + 8], w1 = a[off + 1] + a[off + 9];
            float w2 = a[off + 2] + a[off + 10], w3 = a[off + 3] + a[off + 11];
            float w4 = a[off + 4] + a[off + 12], w5 = a[off + 5] + a[off + 13];
            float w6 = a[off + 6] + a[off + 14], w7 = a[off + 7] + a[off + 15];
            return ((w0 + w4) + (w2 + w6)) + ((w1 + w5) + (w3 + w7));
        }
        if (L == 8) {
            return ((a[off] + a[off + 4]) + (a[off + 2] + a[off + 6]))
                    + ((a[off + 1] + a[off + 5]) + (a[off + 3] + a[off + 7]));
        }
        return sum(FloatVector.fromArray(S, a, off));
    }

    /** {@code sum_i a[ao+i] * b[bo+i]}: vector lanes, the fixed fold, then a scalar tail. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int upper = S.loopBound(n);
        for (int i = 0; i < upper; i += L) {
            acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        }
        return tail(sum(acc), a, ao, b, bo, upper, n);
    }

    /** Adds the products the vector loop left out (n not a multiple of L), in index order. */
    static float tail(float s, float[] a, int ao, float[] b, int bo, int from, int n) {
        for (int i = from; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }
}
