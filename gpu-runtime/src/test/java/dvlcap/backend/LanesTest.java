package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class LanesTest {
    @Test
    void parkedSumIsBitwiseTheVectorFold() {
        Random rnd = new Random(11);
        float[] a = new float[3 * Lanes.L];
        for (int trial = 0; trial < 20_000; trial++) {
            for (int i = 0; i < a.length; i++) {
                // wide magnitudes and mixed signs, so any change of association order shows
                a[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(13) - 6));
            }
            int off = rnd.nextInt(2 * Lanes.L + 1);
            float vector = Lanes.sum(FloatVector.fromArray(Lanes.S, a, off));
            assertEquals(Float.floatToRawIntBits(vector), Float.floatToRawIntBits(Lanes.sumParked(a, off)),
                    "trial " + trial);
        }
    }
}
