package dvlcap.trainer;

/** {@code y = (x - mean) / sqrt(var + eps) * w + b} over the last dimension (SigLIP's norms). */
public record LayerNorm(String weight, String bias, int dim, float eps) {

    public static LayerNorm of(String prefix, int dim, float eps) {
        return new LayerNorm(prefix + ".weight", prefix + ".bias", dim, eps);
    }

    /** What the backward pass needs: the normalized input and 1/std per row. */
    public record Saved(float[] y, float[] normalized, float[] rstd) {
    }

    public void declare(Parameters p) {
        java.util.Arrays.fill(p.add(weight, dim), 1f);
        p.add(bias, dim);
    }

    public Saved forward(Parameters p, float[] x, int rows) {
        float[] w = p.get(weight), b = p.get(bias);
        float[] y = new float[rows * dim], n = new float[rows * dim], rstd = new float[rows];
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            double mean = 0;
            for (int i = 0; i < dim; i++) {
                mean += x[o + i];
            }
            mean /= dim;
            double var = 0;
            for (int i = 0; i < dim; i++) {
                double d = x[o + i] - mean;
                var += d * d;
            }
            var /= dim;
            float rs = (float) (1.0 / Math.sqrt(var + eps));
            rstd[r] = rs;
            for (int i = 0; i < dim; i++) {
                n[o + i] = (float) (x[o + i] - mean) * rs;
                y[o + i] = n[o + i] * w[i] + b[i];
            }
        }
        return new Saved(y, n, rstd);
    }

    /** dx = rstd * (dn - mean(dn) - n * mean(dn * n)), with dn = dy * w. */
    public float[] backward(Parameters p, Parameters g, Saved s, float[] dy, int rows) {
        float[] w = p.get(weight), gw = g.get(weight), gb = g.get(bias);
        float[] dx = new float[rows * dim];
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            double sumDn = 0, sumDnN = 0;
            for (int i = 0; i < dim; i++) {
                float dn = dy[o + i] * w[i];
                sumDn += dn;
                sumDnN += dn * s.normalized[o + i];
                gw[i] += dy[o + i] * s.normalized[o + i];
                gb[i] += dy[o + i];
            }
            float meanDn = (float) (sumDn / dim), meanDnN = (float) (sumDnN / dim);
            for (int i = 0; i < dim; i++) {
                float dn = dy[o + i] * w[i];
                dx[o + i] = s.rstd[r] * (dn - meanDn - s.normalized[o + i] * meanDnN);
            }
        }
        return dx;
    }
}
