package dvlcap.backend.cuda;

/**
 * bfloat16 conversions for weight upload: the top 16 bits of a float, rounded to nearest with ties
 * to even (the rule of PyTorch's {@code .to(torch.bfloat16)} and of the kernels' own
 * {@code f32_to_bf16}). NaN stays NaN; values past the largest bf16 become infinities.
 */
public final class Bf16 {
    private Bf16() {
    }

    public static short fromFloat(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 0x40); // quiet NaN, sign kept
        }
        u += 0x7fff + ((u >>> 16) & 1);
        return (short) (u >>> 16);
    }

    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Converts {@code n} floats from {@code src[srcOff..]} into {@code dst[0..n)}. */
    public static void convert(float[] src, int srcOff, short[] dst, int n) {
        for (int i = 0; i < n; i++) {
            dst[i] = fromFloat(src[srcOff + i]);
        }
    }
}
