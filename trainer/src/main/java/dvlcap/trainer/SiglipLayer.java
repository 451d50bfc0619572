package dvlcap.trainer;

/** A pre-LN SigLIP encoder layer: {@code h += attn(LN1(h)); h += mlp(LN2(h))}, bidirectional. */
public record SiglipLayer(LayerNorm norm1, SelfAttention attention, LayerNorm norm2, GeluMlp mlp) {

    public static SiglipLayer of(String prefix, int hidden, int inter, int heads, float eps) {
        int hd = hidden / heads;
        String a = prefix + ".self_attn.";
        return new SiglipLayer(LayerNorm.of(prefix + ".layer_norm1", hidden, eps),
                new SelfAttention(Linear.of(a + "q_proj", hidden, hidden, true), Linear.of(a + "k_proj", hidden, hidden, true),
                        Linear.of(a + "v_proj", hidden, hidden, true), Linear.of(a + "out_proj", hidden, hidden, true),
                        new ScaledDotAttention(heads, heads, hd), null),
                LayerNorm.of(prefix + ".layer_norm2", hidden, eps),
                new GeluMlp(Linear.of(prefix + ".mlp.fc1", hidden, inter, true), Linear.of(prefix + ".mlp.fc2", inter, hidden, true),
                        Gelu.TANH));
    }

    public record Saved(LayerNorm.Saved n1, SelfAttention.Saved att, LayerNorm.Saved n2, GeluMlp.Saved mlp, float[] out) {
    }

    public void declare(Parameters p) {
        norm1.declare(p);
        attention.declare(p);
        norm2.declare(p);
        mlp.declare(p);
    }

    public Saved forward(Parameters p, float[] h, int len) {
        LayerNorm.Saved n1 = norm1.forward(p, h, len);
        SelfAttention.Saved att = attention.forward(p, n1.y(), len, null, AttentionMask.full());
        float[] mid = h.clone();
        SelfAttention.add(mid, att.y());
        LayerNorm.Saved n2 = norm2.forward(p, mid, len);
        GeluMlp.Saved m = mlp.forward(p, n2.y(), len);
        float[] out = mid.clone();
        SelfAttention.add(out, m.y());
        return new Saved(n1, att, n2, m, out);
    }

    public float[] backward(Parameters p, Parameters g, Saved s, float[] dOut, int len) {
        float[] dMid = dOut.clone();
        SelfAttention.add(dMid, norm2.backward(p, g, s.n2, mlp.backward(p, g, s.mlp, dOut, len), len));
        float[] dh = dMid.clone();
        SelfAttention.add(dh, norm1.backward(p, g, s.n1, attention.backward(p, g, s.att, dMid, len, null), len));
        return dh;
    }
}
