package dvlcap.backend;

import jdk.incubator.vector.FloatVector;
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
