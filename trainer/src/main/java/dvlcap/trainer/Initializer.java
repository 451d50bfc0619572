package dvlcap.trainer;

import java.util.SplittableRandom;

/**
 * Fresh weights: every matrix N(0, std^2) (Hugging Face's initializer_range 0.02 style), biases
 * zero, norm weights one (as declared). Tensors are filled in declaration order from one seeded
 * stream, so a seed fixes the initial model.
 */
public final class Initializer {
    private Initializer() {
    }

    public static void normal(Parameters p, SplittableRandom random, double std) {
        for (String name : p.names()) {
            if (p.shape(name).length >= 2) {
                float[] v = p.get(name);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (gaussian(random) * std);
                }
            }
        }
    }

    /** Box-Muller; SplittableRandom has no nextGaussian on Java 17. */
    static double gaussian(SplittableRandom r) {
        double u = 1.0 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
