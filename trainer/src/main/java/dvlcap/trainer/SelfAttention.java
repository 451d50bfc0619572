package dvlcap.trainer;

/**
 * Projections around {@link ScaledDotAttention}: SigLIP's (q/k/v/out with bias, no rotary) and
 * Qwen2's (q/k/v with bias, o without, rotary on q and k, grouped-query).
 *
 * @param rope rotary embedding, or null for none
 */
public record SelfAttention(Linear q, Linear k, Linear v, Linear o, ScaledDotAttention core, Rope rope) {

    public record Saved(float[] x, float[] q, float[] k, float[] v, ScaledDotAttention.Saved attention, float[] y) {
    }

    public void declare(Parameters p) {
        q.declare(p);
        k.declare(p);
        v.declare(p);
        o.declare(p);
    }

    public Saved forward(Parameters p, float[] x, int len, int[] positions, AttentionMask mask) {
        float[] qa = q.forward(p, x, len), ka = k.forward(p, x, len), va = v.forward(p, x, len);
        if (rope != null) {
            rope.forward(qa, len, core.heads(), positions);
            rope.forward(ka, len, core.kvHeads(), positions);
        }
        ScaledDotAttention.Saved att = core.forward(qa, ka, va, len, mask);
        return new Saved(x, qa, ka, va, att, o.forward(p, att.out(), len));
    }

    public float[] backward(Parameters p, Parameters g, Saved s, float[] dy, int len, int[] positions) {
        float[] dAtt = o.backward(p, g, s.attention.out(), dy, len);
        ScaledDotAttention.Grads d = core.backward(s.attention, s.q, s.k, s.v, dAtt, len);
        if (rope != null) {
            rope.backward(d.dq(), len, core.heads(), positions);
            rope.backward(d.dk(), len, core.kvHeads(), positions);
        }
        float[] dx = q.backward(p, g, s.x, d.dq(), len);
        add(dx, k.backward(p, g, s.x, d.dk(), len));
        add(dx, v.backward(p, g, s.x, d.dv(), len));
        return dx;
    }

    static void add(float[] acc, float[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }
}
