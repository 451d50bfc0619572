package dvlcap.trainer;

import dvlcap.backend.Activations;

/** The two GELUs of the family, with derivatives; values come from the engine's {@link Activations}. */
public enum Gelu {
    /** {@code gelu_pytorch_tanh}: the SigLIP MLP. */
    TANH,
    /** Exact erf GELU, {@code nn.GELU()}: the mm projector. */
    ERF;

    private static final double C = Math.sqrt(2.0 / Math.PI);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    public float apply(float x) {
        return this == TANH ? Activations.geluTanh(x) : Activations.geluErf(x);
    }

    public float derivative(float xf) {
        double x = xf;
        if (this == TANH) {
            double t = Math.tanh(C * (x + 0.044715 * x * x * x));
            return (float) (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * 0.044715 * x * x));
        }
        return (float) (0.5 * (1 + Activations.erf(x / Math.sqrt(2.0))) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI);
    }
}
