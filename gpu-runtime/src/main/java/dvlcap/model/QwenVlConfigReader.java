package dvlcap.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code config.json} of a qwen2.5-vl checkpoint as each release writes it:
 * <ul>
 *   <li>Hugging Face Qwen2.5-VL ({@code model_type qwen2_5_vl}): the older flat layout (LM keys at the
 *       top, {@code rope_scaling {type: mrope, mrope_section}}) and the newer one with a
 *       {@code text_config} ({@code rope_scaling} or, from transformers 5, {@code rope_parameters});</li>
 *   <li>DiffusionVL-Qwen2.5VL ({@code model_type diffusionvl_qwenvl}, DiffusionVLQwenVLConfig):
 *       {@code vision_config}, {@code text_config} and the text keys again at the top, LLaVA's keys,
 *       {@code bd3lm_block_size};</li>
 *   <li>Fast-dVLM ({@code architectures Fast_dVLMForConditionalGeneration}): Qwen2.5-VL's config.</li>
 * </ul>
 * Decoding facts a release keeps in its code rather than its config (DiffusionVL's mask row 151671,
 * Fast-dVLM's mask 151665 and block 32, the prompt format) are the defaults here; a config key
 * ({@code mask_token_id}, {@code block_size}, {@code system_prompt}, {@code caption_prompt}) overrides them.
 */
final class QwenVlConfigReader {
    static final String HF_ARCHITECTURE = "Qwen2_5_VLForConditionalGeneration";
    static final String FAST_DVLM_ARCHITECTURE = "Fast_dVLMForConditionalGeneration";
    static final Set<String> DIFFUSIONVL_ARCHITECTURES =
            Set.of("DiffusionVLQwenVLForCausalLM", "DiffusionVL_Qwen2_5_VL_ForConditionalGeneration");
    /** Qwen vision-language models of other generations: their towers and positions differ. */
    static final Set<String> OTHER_QWEN_VL = Set.of("qwen2_vl", "qwen3_vl", "qwen3_vl_moe", "qwen2_5_omni",
            "qwen3_omni_moe");
    static final String SUPPORTED = "model_type qwen2_5_vl (Qwen2.5-VL), diffusionvl_qwenvl (DiffusionVL-Qwen2.5VL), "
            + "fast_dvlm (Fast-dVLM), or a llava-qwen2 config";

    /** DiffusionVL's generate code embeds this row as the mask (llava_diffusionvl_qwenvl.py). */
    static final int DIFFUSIONVL_MASK = 151_671;
    /** DiffusionVL's finetuning script trains with block 8 (diffusionvl_qwenvl_finetune.sh). */
    static final int DIFFUSIONVL_BLOCK = 8;
    /** DiffusionVL's conversation template qwen_2_5 (llava/conversation.py). */
    static final String DIFFUSIONVL_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";
    /** Fast-dVLM's {@code |<MASK>|} token and block size (sglang srt/dllm/config.py). */
    static final int FAST_DVLM_MASK = 151_665;
    static final int FAST_DVLM_BLOCK = 32;
    static final String CAPTION_PROMPT = "Describe this image in detail.";

    private QwenVlConfigReader() {
    }

    /** The qwen2.5-vl release this config belongs to, or null when it is not a qwen2.5-vl config. */
    static QwenVlConfig.Release release(JsonNode root) {
        String type = root.path("model_type").asText("");
        List<String> archs = new ArrayList<>();
        root.path("architectures").forEach(a -> archs.add(a.asText()));
        if (archs.contains(FAST_DVLM_ARCHITECTURE) || type.equals("fast_dvlm")) {
            return QwenVlConfig.Release.FAST_DVLM;
        }
        if (type.equals("diffusionvl_qwenvl") || archs.stream().anyMatch(DIFFUSIONVL_ARCHITECTURES::contains)) {
            return QwenVlConfig.Release.DIFFUSIONVL;
        }
        if (type.equals("qwen2_5_vl") || archs.contains(HF_ARCHITECTURE)) {
            return QwenVlConfig.Release.QWEN2_5_VL;
        }
        if (OTHER_QWEN_VL.contains(type)) {
            throw new IllegalArgumentException("model_type '" + type + "' is not supported; supported: " + SUPPORTED);
        }
        return null;
    }

    static ModelConfig parse(JsonNode root, QwenVlConfig.Release release) {
        JsonNode t = root.get("text_config") != null && root.get("text_config").isObject() ? root.get("text_config") : root;
        String tp = t == root ? "" : "text_config.";
        int hidden = req(t, tp, "hidden_size");
        int heads = req(t, tp, "num_attention_heads");
        if (hidden % heads != 0) {
            throw new IllegalArgumentException(tp + "hidden_size " + hidden + " must divide by num_attention_heads " + heads);
        }
        int headDim = hidden / heads; // Qwen2.5-VL's attention takes hidden / heads, whatever head_dim says
        if (t.path("use_sliding_window").asBoolean(false)) {
            throw new IllegalArgumentException(tp + "use_sliding_window true is not supported (only full attention)");
        }
        RopeKeys rope = rope(root, t, tp);
        // pre-v5 transformers kept tie_word_embeddings in text_config; transformers 5 honours either
        boolean tied = root.path("tie_word_embeddings").asBoolean(false) || t.path("tie_word_embeddings").asBoolean(false);
        TextConfig text = new TextConfig(req(t, tp, "vocab_size"), hidden, req(t, tp, "intermediate_size"),
                req(t, tp, "num_hidden_layers"), heads, new ConfigValues(t, tp).intOr("num_key_value_heads", heads, 1, heads),
                headDim,
                (float) t.path("rms_norm_eps").asDouble(1e-6), rope.theta(),
                t.path("max_position_embeddings").asInt(128_000), tied);

        QwenVisionConfig vision = vision(root, hidden);
        int[] mrope = null;
        if (release != QwenVlConfig.Release.DIFFUSIONVL) {
            mrope = rope.mropeSection() != null ? rope.mropeSection() : new int[] {16, 24, 24};
            int sum = 0;
            for (int s : mrope) {
                if (s < 0) {
                    throw new IllegalArgumentException(rope.path() + ".mrope_section holds a negative count");
                }
                sum += s;
            }
            if (mrope.length != 3 || sum != headDim / 2) {
                throw new IllegalArgumentException(rope.path() + ".mrope_section " + java.util.Arrays.toString(mrope)
                        + " must be 3 counts summing to head_dim / 2 = " + headDim / 2);
            }
        }
        if (release == QwenVlConfig.Release.DIFFUSIONVL) {
            String projector = root.path("mm_projector_type").asText("qwen_merger");
            if (!projector.equals("qwen_merger")) {
                throw new IllegalArgumentException("mm_projector_type '" + projector
                        + "' is not supported for diffusionvl_qwenvl (only qwen_merger)");
            }
        }
        QwenVlConfig qwen = new QwenVlConfig(release, vision, mrope, root.path("image_token_id").asInt(151_655),
                root.path("vision_start_token_id").asInt(151_652), root.path("vision_end_token_id").asInt(151_653));
        return ModelConfig.qwenVl(text, decoding(root, t, release, text.vocabSize()), qwen);
    }

    private record RopeKeys(float theta, int[] mropeSection, String path) {
    }

    /** rope_parameters (transformers 5) or rope_scaling (older), in text_config or at the top. */
    private static RopeKeys rope(JsonNode root, JsonNode t, String tp) {
        JsonNode dict = null;
        String path = null;
        for (String key : new String[] {"rope_parameters", "rope_scaling"}) {
            for (JsonNode n : t == root ? new JsonNode[] {root} : new JsonNode[] {t, root}) {
                if (dict == null && n.get(key) != null && n.get(key).isObject()) {
                    dict = n.get(key);
                    path = (n == root ? "" : tp) + key;
                }
            }
        }
        double theta = t.path("rope_theta").asDouble(root.path("rope_theta").asDouble(1_000_000.0));
        int[] section = null;
        if (dict != null) {
            String type = dict.path("rope_type").asText(dict.path("type").asText("default"));
            String legacy = dict.path("type").asText(type);
            for (String ty : new String[] {type, legacy}) {
                if (!ty.equals("default") && !ty.equals("mrope")) {
                    throw new IllegalArgumentException(path + " type '" + ty + "' is not supported (default and mrope are)");
                }
            }
            theta = dict.path("rope_theta").asDouble(theta);
            JsonNode s = dict.get("mrope_section");
            if (s != null && s.isArray()) {
                section = new int[s.size()];
                for (int i = 0; i < section.length; i++) {
                    section[i] = s.get(i).asInt();
                }
            }
        }
        return new RopeKeys((float) theta, section, path == null ? tp + "rope_scaling" : path);
    }

    private static QwenVisionConfig vision(JsonNode root, int lmHidden) {
        JsonNode v = root.get("vision_config");
        if (v == null || !v.isObject()) {
            throw new IllegalArgumentException("vision_config is missing (a qwen2.5-vl config carries the tower's shape there)");
        }
        String p = "vision_config.";
        String act = v.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException(p + "hidden_act '" + act + "' is not supported (Qwen2.5-VL's tower: silu)");
        }
        List<Integer> full = new ArrayList<>();
        JsonNode f = v.get("fullatt_block_indexes");
        if (f == null || f.isNull()) {
            full.addAll(List.of(7, 15, 23, 31));
        } else if (!f.isArray()) {
            throw new IllegalArgumentException(p + "fullatt_block_indexes must be a list of block indices");
        } else {
            f.forEach(n -> full.add(n.asInt()));
        }
        int out = v.path("out_hidden_size").asInt(lmHidden);
        if (out != lmHidden) {
            throw new IllegalArgumentException(p + "out_hidden_size " + out + " disagrees with the LM hidden_size " + lmHidden);
        }
        double theta = v.path("rope_parameters").path("rope_theta").asDouble(v.path("rope_theta").asDouble(10_000.0));
        return new QwenVisionConfig(req(v, p, "depth"), req(v, p, "hidden_size"), req(v, p, "intermediate_size"),
                v.has("num_heads") ? req(v, p, "num_heads") : req(v, p, "num_attention_heads"),
                v.has("in_channels") ? req(v, p, "in_channels") : v.path("in_chans").asInt(3),
                intOr(v, p, "patch_size", 14), intOr(v, p, "temporal_patch_size", 2),
                intOr(v, p, "spatial_merge_size", 2), intOr(v, p, "window_size", 112), full, out, (float) theta);
    }

    private static DecodingDefaults decoding(JsonNode root, JsonNode t, QwenVlConfig.Release release, int vocab) {
        List<Integer> eos = new ArrayList<>();
        JsonNode eosNode = root.hasNonNull("eos_token_id") ? root.get("eos_token_id") : t.get("eos_token_id");
        if (eosNode == null || eosNode.isNull()) {
            throw new IllegalArgumentException("eos_token_id is missing");
        }
        if (eosNode.isArray()) {
            eosNode.forEach(n -> eos.add(n.asInt()));
        } else {
            eos.add(eosNode.asInt());
        }
        int mask = root.path("mask_token_id").asInt(switch (release) {
            case DIFFUSIONVL -> DIFFUSIONVL_MASK;
            case FAST_DVLM -> FAST_DVLM_MASK;
            case QWEN2_5_VL -> -1;
        });
        if (mask >= vocab) {
            throw new IllegalArgumentException("mask_token_id " + mask + " is outside vocab_size " + vocab
                    + (root.has("mask_token_id") ? "" : " (the " + release + " release's own mask id; set mask_token_id)"));
        }
        int block = switch (release) {
            case DIFFUSIONVL -> root.path("block_size").asInt(root.path("bd3lm_block_size").asInt(DIFFUSIONVL_BLOCK));
            case FAST_DVLM -> root.path("block_size").asInt(root.path("bd_size").asInt(FAST_DVLM_BLOCK));
            case QWEN2_5_VL -> root.path("block_size").asInt(mask >= 0 ? 8 : 1);
        };
        if (block < 1) {
            throw new IllegalArgumentException("block size " + block + " must be at least 1");
        }
        boolean llava = release == QwenVlConfig.Release.DIFFUSIONVL;
        String system = root.hasNonNull("system_prompt") ? root.get("system_prompt").asText()
                : llava ? DIFFUSIONVL_SYSTEM : null;
        String prompt = root.path("caption_prompt").asText(CAPTION_PROMPT);
        // Fast-dVLM is trained with the causal-LM loss on its clean half (token shift, causal context)
        boolean causalLm = root.path("causal_lm_loss").asBoolean(release == QwenVlConfig.Release.FAST_DVLM);
        return llava
                ? new DecodingDefaults(mask, List.copyOf(eos), block, system, prompt, "<image>", "<image>\n", causalLm)
                : new DecodingDefaults(mask, List.copyOf(eos), block, system, prompt, "<|image_pad|>",
                        "<|vision_start|><|image_pad|><|vision_end|>", causalLm);
    }

    /** A required size: a whole number from 1 up to a bound no released model nears (see {@link ConfigValues}). */
    private static int req(JsonNode n, String prefix, String key) {
        return new ConfigValues(n, prefix).requiredInt(key, 1,
                key.equals("vocab_size") ? ConfigValues.MAX_VOCAB : ConfigValues.MAX_WIDTH);
    }

    private static int intOr(JsonNode n, String prefix, String key, int fallback) {
        return n.has(key) ? req(n, prefix, key) : fallback;
    }
}
