package dvlcap.nn;

/** Rotary frequencies as transformers computes them, in float32: the angles fed to {@code Backend.rotary}. */
final class RotaryAngles {
    private RotaryAngles() {
    }

    /** {@code 1 / theta^(2j / dim)} for {@code j < dim / 2}: float exponent, float power, float reciprocal. */
    static float[] inverseFrequencies(int dim, float theta) {
        float[] f = new float[dim / 2];
        for (int j = 0; j < f.length; j++) {
            float exponent = (float) (2 * j) / dim;
            f[j] = 1f / (float) Math.pow(theta, exponent);
        }
        return f;
    }

    /**
     * M-RoPE's split of the frequencies: frequency {@code i} turns with the position of section
     * {@code sectionOf[i]} (the first {@code mropeSection[0]} with the temporal position, the next
     * {@code mropeSection[1]} with the height, the rest with the width).
     */
    static int[] sectionOf(int[] mropeSection) {
        int total = 0;
        for (int s : mropeSection) {
            total += s;
        }
        int[] of = new int[total];
        int i = 0;
        for (int s = 0; s < mropeSection.length; s++) {
            for (int k = 0; k < mropeSection[s]; k++) {
                of[i++] = s;
            }
        }
        return of;
    }
}
