package dvlcap.model;

import org.junit.jupiter.api.Test;

import static dvlcap.model.HalfFloats.bf16ToFloat;
import static dvlcap.model.HalfFloats.f16ToFloat;
import static dvlcap.model.HalfFloats.floatToBf16;
import static dvlcap.model.HalfFloats.floatToF16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HalfFloatsTest {

    @Test
    void bf16KnownBitPatterns() {
        assertEquals(1f, bf16ToFloat((short) 0x3F80));
        assertEquals(-2f, bf16ToFloat((short) 0xC000));
        assertEquals(3.140625f, bf16ToFloat((short) 0x4049));
        assertEquals(0x1p-133f, bf16ToFloat((short) 0x0001)); // smallest subnormal
        assertEquals(Float.POSITIVE_INFINITY, bf16ToFloat((short) 0x7F80));
        assertEquals(Float.NEGATIVE_INFINITY, bf16ToFloat((short) 0xFF80));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(bf16ToFloat((short) 0x8000)));
        assertTrue(Float.isNaN(bf16ToFloat((short) 0x7FC0)));
    }

    @Test
    void f16KnownBitPatterns() {
        assertEquals(1f, f16ToFloat((short) 0x3C00));
        assertEquals(-2f, f16ToFloat((short) 0xC000));
        assertEquals(65504f, f16ToFloat((short) 0x7BFF));
        assertEquals(0.333251953125f, f16ToFloat((short) 0x3555));
        assertEquals(0x1p-24f, f16ToFloat((short) 0x0001));
        assertEquals(1023 * 0x1p-24f, f16ToFloat((short) 0x03FF)); // largest subnormal
        assertEquals(0x1p-14f, f16ToFloat((short) 0x0400)); // smallest normal
        assertEquals(-0x1p-14f, f16ToFloat((short) 0x8400));
        assertEquals(Float.POSITIVE_INFINITY, f16ToFloat((short) 0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, f16ToFloat((short) 0xFC00));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(f16ToFloat((short) 0x8000)));
        assertTrue(Float.isNaN(f16ToFloat((short) 0x7E00)));
        assertTrue(Float.isNaN(f16ToFloat((short) 0x7C01)));
    }

    @Test
    void everyBf16AndF16ValueSurvivesTheRoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            short s = (short) h;
            float b = bf16ToFloat(s);
            if (Float.isNaN(b)) {
                assertTrue(Float.isNaN(bf16ToFloat(floatToBf16(b))));
            } else {
                assertEquals(h, floatToBf16(b) & 0xFFFF, "bf16 " + Integer.toHexString(h));
            }
            float f = f16ToFloat(s);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(f16ToFloat(floatToF16(f))));
            } else {
                assertEquals(h, floatToF16(f) & 0xFFFF, "f16 " + Integer.toHexString(h));
            }
        }
    }

    /** Between neighbours a < b: the exact midpoint goes to the even one, anything off it to the nearer. */
    @Test
    void narrowingRoundsToNearestTiesToEven() {
        for (int h = 0; h < 0x7BFF; h++) { // positive finite f16 pairs, subnormals included
            checkPair(h, f16ToFloat((short) h), f16ToFloat((short) (h + 1)), true);
        }
        for (int h = 0; h < 0x7F7F; h++) { // positive finite bf16 pairs
            checkPair(h, bf16ToFloat((short) h), bf16ToFloat((short) (h + 1)), false);
        }
        assertEquals(0x3F80, floatToBf16(1.00390625f)); // 1 + 2^-8: tie, 0x3F80 is even
        assertEquals(0x3F82, floatToBf16(1.01171875f) & 0xFFFF); // 1 + 3*2^-8: tie, 0x3F82 is even
        assertEquals(0x7C00, floatToF16(65520f)); // halfway past 65504: ties to even = infinity
        assertEquals(0x7BFF, floatToF16(65519f));
        assertEquals(0, floatToF16(0x1p-25f)); // half the smallest subnormal: ties to even zero
        assertEquals(1, floatToF16(Math.nextUp(0x1p-25f)));
        assertEquals(0x8000, floatToF16(-1e-30f) & 0xFFFF);
        assertEquals(0x7C00, floatToF16(1e10f));
        assertEquals(0x7F80, floatToBf16(Float.MAX_VALUE)); // rounds past the largest bf16
    }

    private static void checkPair(int h, float a, float b, boolean f16) {
        float mid = (float) (((double) a + b) / 2); // exact: one bit more than the 16-bit formats hold
        int even = (h & 1) == 0 ? h : h + 1;
        assertEquals(even, narrow(mid, f16), "tie between " + Integer.toHexString(h) + " and next");
        assertEquals(h, narrow(Math.nextDown(mid), f16));
        assertEquals(h + 1, narrow(Math.nextUp(mid), f16));
    }

    private static int narrow(float v, boolean f16) {
        return (f16 ? floatToF16(v) : floatToBf16(v)) & 0xFFFF;
    }
}
