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

    /**
     * The high part of the split the tensor-core GEMM applies to each fp32 activation ({@code x ~=
     * hi + lo}, both bf16; {@code split_bf16} in common.cuh): {@code x} rounded to nearest, except that
     * a finite {@code x} whose rounding would overflow to infinity keeps the largest finite bf16 of
     * its sign, so {@code hi} is infinite exactly when {@code x} is.
     */
    public static short splitHigh(float x) {
        short h = fromFloat(x);
        if ((h & 0x7fff) == 0x7f80 && Float.isFinite(x)) {
            h = (short) (h - 1); // 0x7f7f / 0xff7f: the largest finite bf16, sign kept
        }
        return h;
    }

    /**
     * The low part: the rounding remainder {@code x - hi} as bf16, and 0 when {@code hi} is infinite
     * or NaN, so an infinite activation stays infinite through the GEMM instead of becoming
     * {@code inf - inf = NaN}.
     */
    public static short splitLow(float x, short high) {
        float h = toFloat(high);
        return Float.isFinite(h) ? fromFloat(x - h) : 0;
    }

    /** Converts {@code n} floats from {@code src[srcOff..]} into {@code dst[0..n)}. */
    public static void convert(float[] src, int srcOff, short[] dst, int n) {
        for (int i = 0; i < n; i++) {
            dst[i] = fromFloat(src[srcOff + i]);
        }
    }
}
