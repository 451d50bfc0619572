package dvlcap.nn;

import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import dvlcap.model.TextConfig;

/** The weights of one Qwen2 decoder layer. */
record LmLayer(Tensor inputNorm, Weight q, Tensor qBias, Weight k, Tensor kBias, Weight v, Tensor vBias, Weight o,
               Tensor postNorm, Weight gate, Weight up, Weight down) {

    static LmLayer load(WeightLoader w, TextConfig c, int i) {
        String p = "model.layers." + i + ".";
        int h = c.hiddenSize();
        return new LmLayer(
                w.vector(p + "input_layernorm.weight", h),
                w.matrix(p + "self_attn.q_proj.weight", c.qDim(), h), w.vector(p + "self_attn.q_proj.bias", c.qDim()),
                w.matrix(p + "self_attn.k_proj.weight", c.kvDim(), h), w.vector(p + "self_attn.k_proj.bias", c.kvDim()),
                w.matrix(p + "self_attn.v_proj.weight", c.kvDim(), h), w.vector(p + "self_attn.v_proj.bias", c.kvDim()),
                w.matrix(p + "self_attn.o_proj.weight", h, c.qDim()),
                w.vector(p + "post_attention_layernorm.weight", h),
                w.matrix(p + "mlp.gate_proj.weight", c.intermediateSize(), h),
                w.matrix(p + "mlp.up_proj.weight", c.intermediateSize(), h),
                w.matrix(p + "mlp.down_proj.weight", h, c.intermediateSize()));
    }

    void close() {
        Closeables.closeAll(inputNorm, q, qBias, k, kBias, v, vBias, o, postNorm, gate, up, down);
    }
}
