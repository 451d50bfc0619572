package dvlcap.backend;

import java.util.Random;

/** Seeded random inputs for the backend tests. */
final class Rand {
    private final Random random;

    Rand(long seed) {
        random = new Random(seed);
    }

    float[] gaussian(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    /** Small integers: every product and partial sum is exact in float, whatever the order. */
    float[] smallInts(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextInt(9) - 4;
        }
        return a;
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }
}
