package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Bf16Test {

    private static float round(float f) {
        return Bf16.toFloat(Bf16.fromFloat(f));
    }

    @Test
    void representableValuesAreExact() {
        for (float f : new float[] {0f, -0f, 1f, -2f, 0.5f, 3f, 1.5f, 1f + 0x1p-7f, 65280f, Float.MIN_NORMAL,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(round(f)), "value " + f);
        }
    }

    @Test
    void tiesGoToEven() {
        // bf16 keeps 7 fraction bits: around 1 the step is 2^-7, a tie is at half a step
        assertEquals(1f, round(1f + 0x1p-8f), "tie below an even neighbour rounds down");
        assertEquals(1f + 0x1p-6f, round(1f + 3 * 0x1p-8f), "tie above an odd neighbour rounds up");
        assertEquals(1f + 0x1p-7f, round(1f + 0x1p-8f + 0x1p-20f), "just past the tie rounds up");
        assertEquals(1f, round(1f + 0x1p-8f - 0x1p-20f), "just below the tie rounds down");
        assertEquals(-1f, round(-1f - 0x1p-8f), "sign does not matter");
    }

    @Test
    void nanStaysNanAndOverflowBecomesInfinity() {
        assertTrue(Float.isNaN(round(Float.NaN)));
        assertTrue(Float.isNaN(round(Float.intBitsToFloat(0x7f800001))), "a NaN with only low payload bits");
        assertTrue(Float.isNaN(round(Float.intBitsToFloat(0xffc00001))));
        assertEquals(Float.POSITIVE_INFINITY, round(Float.MAX_VALUE));
        assertEquals(Float.NEGATIVE_INFINITY, round(-Float.MAX_VALUE));
    }

    @Test
    void relativeErrorIsAtMostHalfAStepAndTheResultIsTheNearest() {
        Random r = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            float f = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
            float b = round(f);
            assertTrue(Math.abs(b - f) <= 0x1p-8 * Math.abs(f), f + " -> " + b); // half of a 2^-7 step
            // the nearest: neither neighbour is closer
            short bits = Bf16.fromFloat(f);
            float up = Bf16.toFloat((short) (bits + 1)), down = Bf16.toFloat((short) (bits - 1));
            assertTrue(Math.abs(b - f) <= Math.abs(up - f) && Math.abs(b - f) <= Math.abs(down - f), "nearest for " + f);
        }
    }

    @Test
    void bulkConversionMatchesScalar() {
        float[] src = {9f, 1.00390625f, -3.3f, 7e-30f};
        short[] dst = new short[3];
        Bf16.convert(src, 1, dst, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals(Bf16.fromFloat(src[i + 1]), dst[i]);
        }
    }

    /** The GEMM's hi/lo split (split_bf16 in common.cuh): hi + lo. */
    private static double split(float x) {
        short h = Bf16.splitHigh(x);
        return (double) Bf16.toFloat(h) + Bf16.toFloat(Bf16.splitLow(x, h));
    }

    @Test
    void splitKeepsInfinitiesInfiniteAndNanNan() {
        assertEquals(Double.POSITIVE_INFINITY, split(Float.POSITIVE_INFINITY), "not inf - inf = NaN");
        assertEquals(Double.NEGATIVE_INFINITY, split(Float.NEGATIVE_INFINITY));
        assertEquals(0, Bf16.splitLow(Float.POSITIVE_INFINITY, Bf16.splitHigh(Float.POSITIVE_INFINITY)));
        assertTrue(Double.isNaN(split(Float.NaN)));
        // an infinite activation times a weight stays infinite: hi * w + lo * w
        float w = 0.75f;
        short h = Bf16.splitHigh(Float.POSITIVE_INFINITY);
        float y = Bf16.toFloat(h) * w + Bf16.toFloat(Bf16.splitLow(Float.POSITIVE_INFINITY, h)) * w;
        assertEquals(Float.POSITIVE_INFINITY, y);
    }

    @Test
    void splitOfAFiniteValueThatRoundsToInfinityStaysFinite() {
        for (float x : new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, Float.intBitsToFloat(0x7f7f8000)}) {
            short h = Bf16.splitHigh(x);
            assertTrue(Float.isFinite(Bf16.toFloat(h)), "hi of " + x);
            assertTrue(Float.isFinite(Bf16.toFloat(Bf16.splitLow(x, h))), "lo of " + x);
            assertEquals(x, split(x), Math.abs(x) * 0x1p-15, "hi + lo of " + x);
        }
    }

    @Test
    void splitOfOrdinaryValuesIsRoundToNearestPlusTheRemainder() {
        Random r = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
            short h = Bf16.splitHigh(x);
            assertEquals(Bf16.fromFloat(x), h, "hi of " + x);
            assertEquals(Bf16.fromFloat(x - Bf16.toFloat(h)), Bf16.splitLow(x, h), "lo of " + x);
            // about 16 significant bits: the remainder is rounded to 8
            assertEquals(x, split(x), Math.abs(x) * 0x1p-16, "hi + lo of " + x);
        }
    }
}
