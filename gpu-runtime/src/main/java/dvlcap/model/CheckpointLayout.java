package dvlcap.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every tensor a llava-qwen2 or qwen2.5-vl (hub names) checkpoint of a given config holds, with its shape (docs/SPEC-weights.md). */
public final class CheckpointLayout {
    public static final String VISION = "model.vision_tower.vision_tower.vision_model.";

    private CheckpointLayout() {
    }

    public static Map<String, long[]> shapes(ModelConfig config) {
        Map<String, long[]> m = new LinkedHashMap<>();
        TextConfig t = config.text();
        long h = t.hiddenSize(), qd = t.qDim(), kvd = t.kvDim(), inter = t.intermediateSize();
        m.put("model.embed_tokens.weight", new long[]{t.vocabSize(), h});
        for (int i = 0; i < t.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            m.put(p + "input_layernorm.weight", new long[]{h});
            m.put(p + "self_attn.q_proj.weight", new long[]{qd, h});
            m.put(p + "self_attn.q_proj.bias", new long[]{qd});
            m.put(p + "self_attn.k_proj.weight", new long[]{kvd, h});
            m.put(p + "self_attn.k_proj.bias", new long[]{kvd});
            m.put(p + "self_attn.v_proj.weight", new long[]{kvd, h});
            m.put(p + "self_attn.v_proj.bias", new long[]{kvd});
            m.put(p + "self_attn.o_proj.weight", new long[]{h, qd});
            m.put(p + "post_attention_layernorm.weight", new long[]{h});
            m.put(p + "mlp.gate_proj.weight", new long[]{inter, h});
            m.put(p + "mlp.up_proj.weight", new long[]{inter, h});
            m.put(p + "mlp.down_proj.weight", new long[]{h, inter});
        }
        m.put("model.norm.weight", new long[]{h});
        if (!t.tieWordEmbeddings()) {
            m.put("lm_head.weight", new long[]{t.vocabSize(), h});
        }
        if (config.isQwenVl()) {
            qwenVision(m, config.qwenVl().vision());
            return m;
        }
        VisionConfig v = config.vision();
        long vh = v.hiddenSize(), vi = v.intermediateSize();
        m.put(VISION + "embeddings.patch_embedding.weight", new long[]{vh, v.numChannels(), v.patchSize(), v.patchSize()});
        m.put(VISION + "embeddings.patch_embedding.bias", new long[]{vh});
        m.put(VISION + "embeddings.position_embedding.weight", new long[]{v.numPatches(), vh});
        for (int i = 0; i < v.numLayers(); i++) {
            String p = VISION + "encoder.layers." + i + ".";
            m.put(p + "layer_norm1.weight", new long[]{vh});
            m.put(p + "layer_norm1.bias", new long[]{vh});
            for (String proj : new String[]{"q_proj", "k_proj", "v_proj", "out_proj"}) {
                m.put(p + "self_attn." + proj + ".weight", new long[]{vh, vh});
                m.put(p + "self_attn." + proj + ".bias", new long[]{vh});
            }
            m.put(p + "layer_norm2.weight", new long[]{vh});
            m.put(p + "layer_norm2.bias", new long[]{vh});
            m.put(p + "mlp.fc1.weight", new long[]{vi, vh});
            m.put(p + "mlp.fc1.bias", new long[]{vi});
            m.put(p + "mlp.fc2.weight", new long[]{vh, vi});
            m.put(p + "mlp.fc2.bias", new long[]{vh});
        }
        m.put(VISION + "post_layernorm.weight", new long[]{vh});
        m.put(VISION + "post_layernorm.bias", new long[]{vh});
        m.put("model.mm_projector.0.weight", new long[]{h, vh});
        m.put("model.mm_projector.0.bias", new long[]{h});
        m.put("model.mm_projector.2.weight", new long[]{h, h});
        m.put("model.mm_projector.2.bias", new long[]{h});
        if (config.tiling().merge().unpad()) {
            m.put("model.image_newline", new long[]{h});
        }
        return m;
    }

    /** Qwen2.5-VL's tower and merger under the Hugging Face hub names ({@link QwenVlTensorNames#HF}). */
    private static void qwenVision(Map<String, long[]> m, QwenVisionConfig v) {
        long vh = v.hiddenSize(), vi = v.intermediateSize(), mh = vh * v.mergeUnit();
        String p0 = QwenVlTensorNames.HF.tower();
        m.put(p0 + QwenVlTensorNames.PATCH_EMBED,
                new long[]{vh, v.inChannels(), v.temporalPatchSize(), v.patchSize(), v.patchSize()});
        for (int i = 0; i < v.depth(); i++) {
            String p = p0 + "blocks." + i + ".";
            m.put(p + "norm1.weight", new long[]{vh});
            m.put(p + "attn.qkv.weight", new long[]{3 * vh, vh});
            m.put(p + "attn.qkv.bias", new long[]{3 * vh});
            m.put(p + "attn.proj.weight", new long[]{vh, vh});
            m.put(p + "attn.proj.bias", new long[]{vh});
            m.put(p + "norm2.weight", new long[]{vh});
            for (String proj : new String[]{"gate_proj", "up_proj"}) {
                m.put(p + "mlp." + proj + ".weight", new long[]{vi, vh});
                m.put(p + "mlp." + proj + ".bias", new long[]{vi});
            }
            m.put(p + "mlp.down_proj.weight", new long[]{vh, vi});
            m.put(p + "mlp.down_proj.bias", new long[]{vh});
        }
        String mp = QwenVlTensorNames.HF.merger();
        m.put(mp + "ln_q.weight", new long[]{vh});
        m.put(mp + "mlp.0.weight", new long[]{mh, mh});
        m.put(mp + "mlp.0.bias", new long[]{mh});
        m.put(mp + "mlp.2.weight", new long[]{v.outHiddenSize(), mh});
        m.put(mp + "mlp.2.bias", new long[]{v.outHiddenSize()});
    }
}
