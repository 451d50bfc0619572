package dvlcap.backend;

import static dvlcap.backend.Lanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x for softmax arguments (x <= 0) within one ulp of {@link Math#exp}, built from IEEE lane
 * operations only (multiply, add, fused multiply-add, integer shifts) so that the JIT, the Vector
 * API's Java fallback and {@link #exp(float)} give the same bits. {@code VectorOperators.EXP} does
 * not promise that (compiled it is a vendor routine, interpreted {@code Math.exp}), and a scalar
 * {@code Math.exp} per key cost attention as much as all its dot products.
 *
 * <p>Method: x = n ln2 + r with n = round(x / ln2) and |r| <= ln2 / 2 (Cody-Waite, ln2 in two
 * parts), e^r by its degree-7 Taylor polynomial (truncation error below 1e-8 relative), times 2^n
 * built in the exponent bits. Below -87 the result is 0 (e^-87 is 1.6e-38, at the edge of normal
 * floats); -inf gives 0 and NaN gives NaN, as {@code Math.exp} does.
 */
final class LaneExp {
    private static final float LOG2E = 1.44269504f, LN2_HI = 0.693145751953125f, LN2_LO = 1.42860677e-6f;
    /** 1.5 * 2^23: adding it rounds to an integer, which then sits in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = 0x4B400000;
    private static final float UNDERFLOW = -87f;
    private static final float C7 = 1f / 5040, C6 = 1f / 720, C5 = 1f / 120, C4 = 1f / 24, C3 = 1f / 6, C2 = 0.5f;

    private LaneExp() {
    }

    /**
     * Replaces {@code x[from..from+n)} by {@code e^(x[j] - shift)} and returns their sum (lanes, then
     * {@link Lanes#sum}'s fixed fold, then the tail in order). Arrays in and out: a vector returned
     * from a call C2 does not inline is boxed, which cost more than the exp.
     */
    static float expAndSum(float[] x, int from, int n, float shift) {
        FloatVector sums = FloatVector.zero(S);
        int upper = from + S.loopBound(n), j = from;
        for (; j < upper; j += Lanes.L) {
            FloatVector v = FloatVector.fromArray(S, x, j).sub(shift);
            FloatVector t = v.mul(LOG2E).add(ROUND);
            FloatVector m = t.sub(ROUND);
            FloatVector r = m.fma(broadcast(-LN2_HI), v);
            r = m.fma(broadcast(-LN2_LO), r);
            FloatVector p = r.fma(C7, C6);
            p = p.fma(r, broadcast(C5));
            p = p.fma(r, broadcast(C4));
            p = p.fma(r, broadcast(C3));
            p = p.fma(r, broadcast(C2));
            p = p.fma(r, broadcast(1f));
            p = p.fma(r, broadcast(1f));
            IntVector twoToM = ((IntVector) t.reinterpretAsInts()).sub(ROUND_BITS - 127)
                    .lanewise(VectorOperators.LSHL, 23);
            FloatVector e = p.mul(twoToM.reinterpretAsFloats()).blend(0f, v.compare(VectorOperators.LT, UNDERFLOW));
            e.intoArray(x, j);
            sums = sums.add(e);
        }
        float sum = Lanes.sum(sums);
        for (; j < from + n; j++) {
            x[j] = exp(x[j] - shift);
            sum += x[j];
        }
        return sum;
    }

    /** e^x by the same operations on one value: bitwise what {@link #expAndSum}'s lanes give. */
    static float exp(float x) {
        float t = x * LOG2E + ROUND;
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, C7, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        float twoToN = Float.intBitsToFloat((Float.floatToRawIntBits(t) - (ROUND_BITS - 127)) << 23);
        return x < UNDERFLOW ? 0f : p * twoToN;
    }

    private static FloatVector broadcast(float c) {
        return FloatVector.broadcast(S, c);
    }
}
