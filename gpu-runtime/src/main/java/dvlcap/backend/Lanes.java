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
