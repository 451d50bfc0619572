package dvlcap.trainer;

import dvlcap.model.TextConfig;

/**
 * A Qwen2 decoder layer: {@code x += o(attn(RMSNorm(x))); x += down(silu(gate) * up)(RMSNorm(x))},
 * rotary positions and grouped-query attention under any {@link AttentionMask}.
 */
public record Qwen2Layer(RmsNorm inputNorm, SelfAttention attention, RmsNorm postNorm, SwiGluMlp mlp) {

    public static Qwen2Layer of(int index, TextConfig c) {
        String pre = "model.layers." + index + ".";
        String a = pre + "self_attn.";
        int h = c.hiddenSize();
        return new Qwen2Layer(new RmsNorm(pre + "input_layernorm.weight", h, c.rmsNormEps()),
                new SelfAttention(Linear.of(a + "q_proj", h, c.qDim(), true), Linear.of(a + "k_proj", h, c.kvDim(), true),
                        Linear.of(a + "v_proj", h, c.kvDim(), true), Linear.of(a + "o_proj", c.qDim(), h, false),
                        new ScaledDotAttention(c.numHeads(), c.numKvHeads(), c.headDim()),
                        new Rope(c.headDim(), c.ropeTheta())),
                new RmsNorm(pre + "post_attention_layernorm.weight", h, c.rmsNormEps()),
                new SwiGluMlp(Linear.of(pre + "mlp.gate_proj", h, c.intermediateSize(), false),
                        Linear.of(pre + "mlp.up_proj", h, c.intermediateSize(), false),
                        Linear.of(pre + "mlp.down_proj", c.intermediateSize(), h, false)));
    }

    public record Saved(RmsNorm.Saved n1, SelfAttention.Saved att, RmsNorm.Saved n2, SwiGluMlp.Saved mlp, float[] out) {
    }

    public void declare(Parameters p) {
        inputNorm.declare(p);
        attention.declare(p);
        postNorm.declare(p);
        mlp.declare(p);
    }

    public Saved forward(Parameters p, float[] x, int len, int[] positions, AttentionMask mask) {
        RmsNorm.Saved n1 = inputNorm.forward(p, x, len);
        SelfAttention.Saved att = attention.forward(p, n1.y(), len, positions, mask);
        float[] mid = x.clone();
        SelfAttention.add(mid, att.y());
        RmsNorm.Saved n2 = postNorm.forward(p, mid, len);
        SwiGluMlp.Saved m = mlp.forward(p, n2.y(), len);
        float[] out = mid.clone();
        SelfAttention.add(out, m.y());
        return new Saved(n1, att, n2, m, out);
    }

    public float[] backward(Parameters p, Parameters g, Saved s, float[] dOut, int len, int[] positions) {
        float[] dMid = dOut.clone();
        SelfAttention.add(dMid, postNorm.backward(p, g, s.n2, mlp.backward(p, g, s.mlp, dOut, len), len));
        float[] dx = dMid.clone();
        SelfAttention.add(dx, inputNorm.backward(p, g, s.n1, attention.backward(p, g, s.att, dMid, len, positions), len));
        return dx;
    }
}
