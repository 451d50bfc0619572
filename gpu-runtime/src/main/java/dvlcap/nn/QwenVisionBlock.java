package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import dvlcap.model.QwenVisionConfig;
import dvlcap.model.StoredTensor;
import dvlcap.model.WeightSource;

import java.util.Arrays;

/**
 * The weights of one Qwen2.5-VL vision block: RMSNorm, attention with a fused {@code qkv} (split here
 * into q, k and v, the rows of the stored matrix in that order) and {@code proj}, RMSNorm, gated SiLU
 * MLP with biases.
 */
record QwenVisionBlock(Tensor norm1, Weight q, Tensor qB, Weight k, Tensor kB, Weight v, Tensor vB, Weight proj,
                       Tensor projB, Tensor norm2, Weight gate, Tensor gateB, Weight up, Tensor upB, Weight down,
                       Tensor downB) {

    static QwenVisionBlock load(Backend b, WeightLoader w, WeightSource source, QwenVisionConfig c, int i) {
        String p = QwenVisionEncoder.PREFIX + "blocks." + i + ".";
        int h = c.hiddenSize(), m = c.intermediateSize();
        // split as stored: a bf16 qkv stays mapped, its three row ranges viewed in place
        StoredTensor qkv = source.stored(p + "attn.qkv.weight", 3L * h, h);
        float[] qkvB = source.floats(p + "attn.qkv.bias", 3L * h);
        return new QwenVisionBlock(
                w.vector(p + "norm1.weight", h),
                b.weight(qkv.rows(0, h), h, h), b.upload(Arrays.copyOfRange(qkvB, 0, h)),
                b.weight(qkv.rows(h, h), h, h), b.upload(Arrays.copyOfRange(qkvB, h, 2 * h)),
                b.weight(qkv.rows(2L * h, h), h, h), b.upload(Arrays.copyOfRange(qkvB, 2 * h, 3 * h)),
                w.matrix(p + "attn.proj.weight", h, h), w.vector(p + "attn.proj.bias", h),
                w.vector(p + "norm2.weight", h),
                w.matrix(p + "mlp.gate_proj.weight", m, h), w.vector(p + "mlp.gate_proj.bias", m),
                w.matrix(p + "mlp.up_proj.weight", m, h), w.vector(p + "mlp.up_proj.bias", m),
                w.matrix(p + "mlp.down_proj.weight", h, m), w.vector(p + "mlp.down_proj.bias", h));
    }

    void close() {
        Closeables.closeAll(norm1, q, qB, k, kB, v, vB, proj, projB, norm2, gate, gateB, up, upB, down, downB);
    }
}
