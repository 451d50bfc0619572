package dvlcap.nn;

import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import dvlcap.model.VisionConfig;

/** The weights of one SigLIP encoder layer (pre-LN). */
record VisionLayer(Tensor ln1W, Tensor ln1B, Weight q, Tensor qB, Weight k, Tensor kB, Weight v, Tensor vB, Weight o,
                   Tensor oB, Tensor ln2W, Tensor ln2B, Weight fc1, Tensor fc1B, Weight fc2, Tensor fc2B) {

    static VisionLayer load(WeightLoader w, VisionConfig c, String prefix, int i) {
        String p = prefix + "encoder.layers." + i + ".";
        int h = c.hiddenSize(), m = c.intermediateSize();
        return new VisionLayer(
                w.vector(p + "layer_norm1.weight", h), w.vector(p + "layer_norm1.bias", h),
                w.matrix(p + "self_attn.q_proj.weight", h, h), w.vector(p + "self_attn.q_proj.bias", h),
                w.matrix(p + "self_attn.k_proj.weight", h, h), w.vector(p + "self_attn.k_proj.bias", h),
                w.matrix(p + "self_attn.v_proj.weight", h, h), w.vector(p + "self_attn.v_proj.bias", h),
                w.matrix(p + "self_attn.out_proj.weight", h, h), w.vector(p + "self_attn.out_proj.bias", h),
                w.vector(p + "layer_norm2.weight", h), w.vector(p + "layer_norm2.bias", h),
                w.matrix(p + "mlp.fc1.weight", m, h), w.vector(p + "mlp.fc1.bias", m),
                w.matrix(p + "mlp.fc2.weight", h, m), w.vector(p + "mlp.fc2.bias", h));
    }

    void close() {
        Closeables.closeAll(ln1W, ln1B, q, qB, k, kB, v, vB, o, oB, ln2W, ln2B, fc1, fc1B, fc2, fc2B);
    }
}
