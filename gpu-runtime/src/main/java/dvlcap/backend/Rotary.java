package dvlcap.backend;

/** The rotary rotation of {@link Backend#rotary} on host arrays: the reference every backend matches. */
final class Rotary {
    private Rotary() {
    }

    static void apply(float[] x, float[] cos, float[] sin, int rows, int heads, int headDim) {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("headDim must be positive and even, got " + headDim);
        }
        int half = headDim / 2;
        if ((long) rows * heads * headDim > x.length || (long) rows * half > Math.min(cos.length, sin.length)) {
            throw new IllegalArgumentException("rotary of " + rows + " rows x " + heads + " heads x " + headDim
                    + ": x has " + x.length + ", cos " + cos.length + ", sin " + sin.length + " floats");
        }
        for (int r = 0; r < rows; r++) {
            int a0 = r * half;
            for (int h = 0; h < heads; h++) {
                int base = (r * heads + h) * headDim;
                for (int i = 0; i < half; i++) {
                    float a = x[base + i], b = x[base + i + half], c = cos[a0 + i], s = sin[a0 + i];
                    x[base + i] = a * c - b * s;
                    x[base + i + half] = b * c + a * s;
                }
            }
        }
    }
}
