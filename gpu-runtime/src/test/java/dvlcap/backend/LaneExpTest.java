package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LaneExpTest {
    @Test
    void withinOneUlpOfMathExpOverTheSoftmaxRange() {
        Random rnd = new Random(21);
        float[] x = new float[1000], y = new float[x.length];
        double worst = 0;
        for (int trial = 0; trial < 500; trial++) {
            for (int i = 0; i < x.length; i++) {
                // both the common range (scores near the max) and the deep tail down to underflow
                x[i] = -(float) (rnd.nextDouble() * (trial % 2 == 0 ? 2 : 87));
            }
            System.arraycopy(x, 0, y, 0, x.length);
            LaneExp.expAndSum(y, 0, y.length, 0f);
            for (int i = 0; i < x.length; i++) {
                float want = (float) Math.exp(x[i]);
                double ulps = Math.abs(y[i] - want) / Math.ulp(want);
                worst = Math.max(worst, ulps);
                assertTrue(ulps <= 1, "exp(" + x[i] + ") = " + y[i] + ", Math.exp " + want);
            }
        }
        assertTrue(worst > 0, "a polynomial that never rounds differently from Math.exp is suspicious");
    }

    @Test
    void lanesAndTheScalarTailAgreeBitwiseAndTheSumIsTheirs() {
        Random rnd = new Random(22);
        for (int trial = 0; trial < 2_000; trial++) {
            int n = 1 + rnd.nextInt(70), from = rnd.nextInt(5);
            float shift = (float) rnd.nextGaussian();
            float[] x = new float[from + n + 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = shift - (float) (rnd.nextDouble() * 100);
            }
            float[] y = x.clone();
            float sum = LaneExp.expAndSum(y, from, n, shift);
            float lanes = 0f;
            for (int i = 0; i < x.length; i++) {
                boolean inside = i >= from && i < from + n;
                float want = inside ? LaneExp.exp(x[i] - shift) : x[i];
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(y[i]),
                        "n=" + n + " from=" + from + " at " + i + (inside ? "" : " (outside the range: untouched)"));
                lanes += inside ? y[i] : 0f;
            }
            // another order of the same additions: equal to a few float roundings
            assertEquals(lanes, sum, 1e-5 * lanes, "n=" + n);
        }
    }

    @Test
    void edgeValuesAreThoseOfMathExp() {
        float[] edges = {0f, -0f, Float.NEGATIVE_INFINITY, Float.NaN, -87.5f, -200f, -Float.MIN_VALUE, -1e-30f};
        float[] lanes = new float[32];
        System.arraycopy(edges, 0, lanes, 0, edges.length);
        System.arraycopy(edges, 0, lanes, 16, edges.length);
        LaneExp.expAndSum(lanes, 0, lanes.length, 0f);
        for (int i = 0; i < edges.length; i++) {
            float want = edges[i] < -87f ? 0f : (float) Math.exp(edges[i]);
            assertEquals(want, lanes[i], "lane exp(" + edges[i] + ")");
            assertEquals(want, LaneExp.exp(edges[i]), "scalar exp(" + edges[i] + ")");
        }
    }
}
