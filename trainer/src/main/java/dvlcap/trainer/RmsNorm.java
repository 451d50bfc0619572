package dvlcap.trainer;

/** Qwen2's {@code y = x / sqrt(mean(x^2) + eps) * w}. */
public record RmsNorm(String weight, int dim, float eps) {

    public record Saved(float[] y, float[] normalized, float[] rstd) {
    }

    public void declare(Parameters p) {
        java.util.Arrays.fill(p.add(weight, dim), 1f);
    }

    public Saved forward(Parameters p, float[] x, int rows) {
        float[] w = p.get(weight);
        float[] y = new float[rows * dim], n = new float[rows * dim], rstd = new float[rows];
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            double ms = 0;
            for (int i = 0; i < dim; i++) {
                ms += (double) x[o + i] * x[o + i];
            }
            float rs = (float) (1.0 / Math.sqrt(ms / dim + eps));
            rstd[r] = rs;
            for (int i = 0; i < dim; i++) {
                n[o + i] = x[o + i] * rs;
                y[o + i] = n[o + i] * w[i];
            }
        }
        return new Saved(y, n, rstd);
    }

    /** dx = rstd * (dn - n * mean(dn * n)), with dn = dy * w. */
    public float[] backward(Parameters p, Parameters g, Saved s, float[] dy, int rows) {
        float[] w = p.get(weight), gw = g.get(weight);
        float[] dx = new float[rows * dim];
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            double sumDnN = 0;
            for (int i = 0; i < dim; i++) {
                sumDnN += dy[o + i] * w[i] * s.normalized[o + i];
                gw[i] += dy[o + i] * s.normalized[o + i];
            }
            float meanDnN = (float) (sumDnN / dim);
            for (int i = 0; i < dim; i++) {
                dx[o + i] = s.rstd[r] * (dy[o + i] * w[i] - s.normalized[o + i] * meanDnN);
            }
        }
        return dx;
    }
}
