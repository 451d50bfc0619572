package dvlcap.trainer;

/** {@code fc2(gelu(fc1(x)))}: SigLIP's MLP (tanh GELU) and the mlp2x_gelu projector (erf GELU). */
public record GeluMlp(Linear fc1, Linear fc2, Gelu gelu) {

    public record Saved(float[] x, float[] pre, float[] act, float[] y) {
    }

    public void declare(Parameters p) {
        fc1.declare(p);
        fc2.declare(p);
    }

    public Saved forward(Parameters p, float[] x, int rows) {
        float[] pre = fc1.forward(p, x, rows);
        float[] act = new float[pre.length];
        for (int i = 0; i < pre.length; i++) {
            act[i] = gelu.apply(pre[i]);
        }
        return new Saved(x, pre, act, fc2.forward(p, act, rows));
    }

    public float[] backward(Parameters p, Parameters g, Saved s, float[] dy, int rows) {
        float[] dAct = fc2.backward(p, g, s.act, dy, rows);
        for (int i = 0; i < dAct.length; i++) {
            dAct[i] *= gelu.derivative(s.pre[i]);
        }
        return fc1.backward(p, g, s.x, dAct, rows);
    }
}
