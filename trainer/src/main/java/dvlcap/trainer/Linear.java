package dvlcap.trainer;

/**
 * {@code y = x W^T + b} with W stored [out, in] under {@code weight} (Hugging Face layout) and an
 * optional bias. Stateless: the caller keeps the input for the backward pass.
 */
public record Linear(String weight, String bias, int in, int out) {

    /** A linear layer named {@code prefix.weight} and, if {@code withBias}, {@code prefix.bias}. */
    public static Linear of(String prefix, int in, int out, boolean withBias) {
        return new Linear(prefix + ".weight", withBias ? prefix + ".bias" : null, in, out);
    }

    public void declare(Parameters p) {
        p.add(weight, out, in);
        if (bias != null) {
            p.add(bias, out);
        }
    }

    public float[] forward(Parameters p, float[] x, int rows) {
        float[] y = new float[rows * out];
        Blas.matmulNT(x, p.get(weight), bias == null ? null : p.get(bias), y, rows, in, out);
        return y;
    }

    /** Accumulates dW (and db) into {@code g} and returns dx. */
    public float[] backward(Parameters p, Parameters g, float[] x, float[] dy, int rows) {
        Blas.matmulTN(dy, x, g.get(weight), bias == null ? null : g.get(bias), rows, in, out);
        float[] dx = new float[rows * in];
        Blas.matmulNN(dy, p.get(weight), dx, rows, in, out);
        return dx;
    }
}
