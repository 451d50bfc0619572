package dvlcap.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code config.json}: a qwen2.5-vl release's (see {@link QwenVlConfigReader}) or a llava-qwen2
 * checkpoint's (LLaVA-NeXT / LLaVA-OneVision naming, as DiffusionVL releases it). A llava-qwen2 tower's
 * shape comes from {@code vision_config}, or from the published shape of the tower that
 * {@code mm_vision_tower} names.
 */
public final class ModelConfigReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The system message of DiffusionVL's conversation template {@code qwen_2_5} (train/llava/conversation.py). */
    public static final String DIFFUSIONVL_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";
    /** DiffusionVL's mask: a row of the padded embedding matrix, not a tokenizer token. */
    public static final int DIFFUSIONVL_MASK = 151_671;

    private ModelConfigReader() {
    }

    public static ModelConfig read(Path configFile) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configFile));
        } catch (IOException e) {
            throw new ModelFileException(configFile, null, "cannot read JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(configFile, null, "not a JSON object");
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(configFile, null, e.getMessage(), e);
        }
    }

    static ModelConfig parse(JsonNode root) {
        QwenVlConfig.Release qwenVl = QwenVlConfigReader.release(root);
        if (qwenVl != null) {
            return QwenVlConfigReader.parse(root, qwenVl);
        }
        JsonNode t = root.has("text_config") ? root.get("text_config") : root;
        int hidden = req(t, "hidden_size");
        int heads = req(t, "num_attention_heads");
        TextConfig text = new TextConfig(req(t, "vocab_size"), hidden, req(t, "intermediate_size"),
                req(t, "num_hidden_layers"), heads, t.path("num_key_value_heads").asInt(heads),
                t.path("head_dim").asInt(hidden / heads), (float) t.path("rms_norm_eps").asDouble(1e-6),
                (float) t.path("rope_theta").asDouble(1_000_000.0),
                t.path("max_position_embeddings").asInt(32768),
                root.path("tie_word_embeddings").asBoolean(t.path("tie_word_embeddings").asBoolean(false)));

        VisionConfig vision = visionConfig(root);
        String projector = root.path("mm_projector_type").asText("mlp2x_gelu");
        if (!projector.equals("mlp2x_gelu")) {
            throw new IllegalArgumentException("mm_projector_type '" + projector + "' is not supported (only mlp2x_gelu)");
        }
        String aspect = root.path("image_aspect_ratio").asText("square");
        ImageTiling tiling = tiling(root, aspect, vision);
        int mmHidden = root.path("mm_hidden_size").asInt(vision.hiddenSize());
        if (mmHidden != vision.hiddenSize()) {
            throw new IllegalArgumentException("mm_hidden_size " + mmHidden + " disagrees with the vision hidden_size "
                    + vision.hiddenSize());
        }
        int featureLayer = root.path("mm_vision_select_layer").asInt(-2);

        List<Integer> eos = new ArrayList<>();
        JsonNode eosNode = root.has("eos_token_id") ? root.get("eos_token_id") : t.get("eos_token_id");
        if (eosNode == null || eosNode.isNull()) {
            throw new IllegalArgumentException("eos_token_id is missing");
        }
        if (eosNode.isArray()) {
            eosNode.forEach(n -> eos.add(n.asInt()));
        } else {
            eos.add(eosNode.asInt());
        }
        // DiffusionVL's llava release (model_type diffusionvl_qwen) keeps in its code what its config.json does not
        // say: the mask is embedding row 151671, the chat is its conversation template qwen_2_5 (whose system
        // message this is), the block size is bd3lm_block_size (its evaluation passes 8)
        boolean diffusionVl = root.path("model_type").asText("").equals("diffusionvl_qwen");
        int mask = root.path("mask_token_id").asInt(diffusionVl ? DIFFUSIONVL_MASK : -1);
        if (mask >= text.vocabSize()) {
            throw new IllegalArgumentException("mask_token_id " + mask + " is outside vocab_size " + text.vocabSize()
                    + (diffusionVl && !root.has("mask_token_id") ? " (DiffusionVL's own mask row; set mask_token_id)" : ""));
        }
        int block = root.path("block_size").asInt(root.path("bd_size").asInt(
                root.path("bd3lm_block_size").asInt(mask >= 0 ? 8 : 1)));
        String system = root.hasNonNull("system_prompt") ? root.get("system_prompt").asText()
                : diffusionVl ? DIFFUSIONVL_SYSTEM : null;
        String prompt = root.path("caption_prompt").asText("Describe this image in detail.");
        String placeholder = root.path("image_placeholder").asText("<image>");
        DecodingDefaults decoding = new DecodingDefaults(mask, List.copyOf(eos), block, system, prompt, placeholder);
        return new ModelConfig("llava-qwen2", text, vision, hidden, featureLayer, decoding, aspect, tiling);
    }

    /**
     * LLaVA-NeXT's tiling keys. {@code image_grid_pinpoints} is a list of [width, height] pairs (what
     * the training script stores), or a string: {@code "(1x1),...,(6x6)"} counts tiles of the tower's
     * image_size, anything else is a literal list of pairs.
     */
    private static ImageTiling tiling(JsonNode root, String aspect, VisionConfig vision) {
        JsonNode resampler = root.get("mm_resampler_type");
        if (resampler != null && !resampler.isNull()) {
            throw new IllegalArgumentException("mm_resampler_type '" + resampler.asText()
                    + "' is not supported (only null, no resampler)");
        }
        JsonNode merge = root.get("mm_patch_merge_type");
        String mergeType = merge == null || merge.isNull() ? null : merge.asText();
        JsonNode p = root.get("image_grid_pinpoints");
        List<ImageTiling.Resolution> pinpoints = new ArrayList<>();
        if (p != null && p.isTextual()) {
            String s = p.asText();
            pinpoints = s.contains("x") ? ImageTiling.expandGrid(s, vision.imageSize()) : ImageTiling.pairs(s);
        } else if (p != null && p.isArray()) {
            for (JsonNode pair : p) {
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).canConvertToInt() || !pair.get(1).canConvertToInt()) {
                    throw new IllegalArgumentException("image_grid_pinpoints entries must be [width, height], got " + pair);
                }
                pinpoints.add(new ImageTiling.Resolution(pair.get(0).asInt(), pair.get(1).asInt()));
            }
        } else if (p != null && !p.isNull()) {
            throw new IllegalArgumentException("image_grid_pinpoints must be a list of [width, height] or a string, got "
                    + p);
        }
        return ImageTiling.of(aspect, pinpoints, mergeType, vision.imageSize());
    }

    private static VisionConfig visionConfig(JsonNode root) {
        JsonNode v = root.get("vision_config");
        if (v != null && v.isObject()) {
            int hidden = req(v, "hidden_size");
            String act = v.path("hidden_act").asText("gelu_pytorch_tanh");
            return new VisionConfig(hidden, req(v, "intermediate_size"), req(v, "num_hidden_layers"),
                    req(v, "num_attention_heads"), req(v, "image_size"), req(v, "patch_size"),
                    v.path("num_channels").asInt(3), (float) v.path("layer_norm_eps").asDouble(1e-6),
                    act.contains("tanh"));
        }
        String tower = root.path("mm_vision_tower").asText("");
        if (tower.contains("so400m-patch14-384")) {
            return VisionConfig.so400mPatch14At384();
        }
        throw new IllegalArgumentException("no vision_config, and mm_vision_tower '" + tower
                + "' is not a tower whose shape is known (add a vision_config)");
    }

    private static int req(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt()) {
            throw new IllegalArgumentException(key + " is missing or not an integer");
        }
        return v.asInt();
    }
}
