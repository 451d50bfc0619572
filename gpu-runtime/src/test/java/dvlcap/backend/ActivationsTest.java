package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

class ActivationsTest {

    @Test
    void erfMatchesKnownValuesToDoublePrecision() {
        assertEquals(0.0, Activations.erf(0.0), 0.0);
        assertEquals(0.5204998778130465, Activations.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Activations.erf(1.0), 1e-15);
        assertEquals(0.9953222650189527, Activations.erf(2.0), 1e-15);
        // 3 is past the series/continued-fraction switch at 2.5
        assertEquals(0.9999779095030014, Activations.erf(3.0), 1e-15);
        assertEquals(1.0, Activations.erf(10.0), 1e-16);
    }

    @Test
    void erfIsOdd() {
        for (double x = -6; x <= 6; x += 0.37) {
            assertEquals(-Activations.erf(x), Activations.erf(-x), 0.0, "x=" + x);
        }
    }

    @Test
    void erfIsContinuousAcrossTheAlgorithmSwitch() {
        double below = Activations.erf(Math.nextDown(2.5)), above = Activations.erf(2.5);
        assertEquals(below, above, 1e-14);
    }

    @Test
    void geluVariantsMatchPyTorchValues() {
        // torch.nn.functional.gelu(torch.tensor(1.0, dtype=float64)) and approximate='tanh'
        assertEquals(0.8413447460685429, Activations.geluErf(1f), 1e-7);
        assertEquals(0.8411919906082768, Activations.geluTanh(1f), 1e-7);
        assertEquals(-0.15865525393145707, Activations.geluErf(-1f), 1e-7);
    }

    @Test
    void geluErfIsBitwiseTheSeriesDefinitionOnRandomFloatsOfEveryMagnitude() {
        // random bit patterns: every exponent, both signs, NaNs and infinities included
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 1_000_000; i++) {
            float x = Float.intBitsToFloat(r.nextInt());
            assertBitwiseSeries(x);
        }
    }

    @Test
    void geluErfIsBitwiseTheSeriesDefinitionOnEveryFloatOfBandsWhereTheGuardMatters() {
        // around -4 (tiny results, where erf's error is large beside an ulp of the result), the
        // series/continued-fraction switch, and the point where erf becomes 1 in double
        for (float[] band : new float[][]{{-4.01f, -3.99f}, {3.53f, 3.54f}, {-3.54f, -3.53f}, {8.47f, 8.5f}, {-8.5f, -8.47f}}) {
            for (float x = band[0]; x <= band[1]; x = Math.nextUp(x)) {
                assertBitwiseSeries(x);
            }
        }
        // inputs where the Taylor erf alone rounds to another float than the series (found by an
        // exhaustive scan of the floats in [-8.5, -1]): the guard must hand them to the series
        for (int bits : new int[]{0xc02fe332, 0xc04277d8, 0xc05555b4, 0xc05d555a}) {
            assertBitwiseSeries(Float.intBitsToFloat(bits));
        }
        for (float x : new float[]{0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
            assertBitwiseSeries(x);
        }
    }

    /** Same bits, signed zeros included; every NaN counts as one (the series' own NaN payload and sign differ between JIT tiers). */
    private static void assertBitwiseSeries(float x) {
        assertEquals(Float.floatToIntBits(Activations.geluErfSeries(x)), Float.floatToIntBits(Activations.geluErf(x)),
                () -> "x = " + x + " (bits " + Integer.toHexString(Float.floatToRawIntBits(x)) + ")");
    }
}
