package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    @Test
    void sixteenParkedSumsAreBitwiseSixteenVectorFolds() {
        assumeTrue(Lanes.FOLDS_SIXTEEN, "the sixteen-at-once fold exists for 16 lanes only");
        Random rnd = new Random(12);
        float[] parked = new float[3 * 16 * 16], copy = new float[parked.length], got = new float[20];
        for (int trial = 0; trial < 5_000; trial++) {
            for (int i = 0; i < parked.length; i++) {
                parked[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(13) - 6));
            }
            System.arraycopy(parked, 0, copy, 0, parked.length);
            int off = rnd.nextInt(parked.length - 16 * 16 + 1), outOff = rnd.nextInt(5);
            Lanes.sumSixteenParked(parked, off, got, outOff);
            for (int key = 0; key < 16; key++) {
                float want = Lanes.sum(FloatVector.fromArray(Lanes.S, copy, off + 16 * key));
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[outOff + key]),
                        "trial " + trial + " key " + key);
            }
        }
    }
}
