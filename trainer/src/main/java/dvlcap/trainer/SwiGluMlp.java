package dvlcap.trainer;

/** Qwen2's MLP: {@code down(silu(gate(x)) * up(x))}, no biases. */
public record SwiGluMlp(Linear gate, Linear up, Linear down) {

    public record Saved(float[] x, float[] g, float[] u, float[] h, float[] y) {
    }

    public void declare(Parameters p) {
        gate.declare(p);
        up.declare(p);
        down.declare(p);
    }

    public Saved forward(Parameters p, float[] x, int rows) {
        float[] g = gate.forward(p, x, rows), u = up.forward(p, x, rows);
        float[] h = new float[g.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = silu(g[i]) * u[i];
        }
        return new Saved(x, g, u, h, down.forward(p, h, rows));
    }

    public float[] backward(Parameters p, Parameters gr, Saved s, float[] dy, int rows) {
        float[] dh = down.backward(p, gr, s.h, dy, rows);
        float[] dg = new float[dh.length], du = new float[dh.length];
        for (int i = 0; i < dh.length; i++) {
            float sig = sigmoid(s.g[i]);
            du[i] = dh[i] * s.g[i] * sig;
            dg[i] = dh[i] * s.u[i] * sig * (1f + s.g[i] * (1f - sig));
        }
        float[] dx = gate.backward(p, gr, s.x, dg, rows);
        SelfAttention.add(dx, up.backward(p, gr, s.x, du, rows));
        return dx;
    }

    static float silu(float x) {
        return x * sigmoid(x);
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
