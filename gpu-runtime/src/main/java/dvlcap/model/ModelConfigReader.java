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
        JsonNode textNode = root.get("text_config");
        boolean nested = textNode != null && textNode.isObject();
        JsonNode t = nested ? textNode : root;
        ConfigValues top = new ConfigValues(root, "");
        ConfigValues tv = new ConfigValues(t, nested ? "text_config." : "");
        TextConfig text = textConfig(tv, top);

        VisionConfig vision = visionConfig(root);
        String projector = top.textOr("mm_projector_type", "mlp2x_gelu");
        if (!projector.equals("mlp2x_gelu")) {
            throw new IllegalArgumentException("mm_projector_type '" + projector + "' is not supported (only mlp2x_gelu)");
        }
        String aspect = top.textOr("image_aspect_ratio", "square");
        ImageTiling tiling = tiling(root, aspect, vision);
        int mmHidden = top.intOr("mm_hidden_size", vision.hiddenSize(), 1, ConfigValues.MAX_WIDTH);
        if (mmHidden != vision.hiddenSize()) {
            throw new IllegalArgumentException("mm_hidden_size " + mmHidden + " disagrees with the vision hidden_size "
                    + vision.hiddenSize());
        }
        int states = vision.numLayers() + 1; // embeddings + one per layer
        int featureLayer = top.intOr("mm_vision_select_layer", -2, -states, states - 1);

        List<Integer> eos = new ArrayList<>();
        boolean eosAtTop = root.hasNonNull("eos_token_id");
        JsonNode eosNode = eosAtTop ? root.get("eos_token_id") : t.get("eos_token_id");
        ConfigValues eosKeys = eosAtTop ? top : tv;
        int lastId = text.vocabSize() - 1;
        if (eosNode == null || eosNode.isNull()) {
            throw new IllegalArgumentException("eos_token_id is missing (a token id from 0 to " + lastId
                    + ", or a list of them)");
        }
        if (eosNode.isArray()) {
            if (eosNode.isEmpty()) {
                throw new IllegalArgumentException("eos_token_id is an empty list (token ids from 0 to " + lastId + ")");
            }
            eosNode.forEach(n -> eos.add(eosKeys.checkedInt("eos_token_id", n, 0, lastId)));
        } else {
            eos.add(eosKeys.checkedInt("eos_token_id", eosNode, 0, lastId));
        }
        // DiffusionVL's llava release (model_type diffusionvl_qwen) keeps in its code what its config.json does not
        // say: the mask is embedding row 151671, the chat is its conversation template qwen_2_5 (whose system
        // message this is), the block size is bd3lm_block_size (its evaluation passes 8)
        boolean diffusionVl = top.textOr("model_type", "").equals("diffusionvl_qwen");
        int mask = root.hasNonNull("mask_token_id") ? top.requiredInt("mask_token_id", -1, Integer.MAX_VALUE)
                : diffusionVl ? DIFFUSIONVL_MASK : -1;
        if (mask > lastId) {
            throw new IllegalArgumentException("mask_token_id " + mask + " is outside vocab_size " + text.vocabSize()
                    + (diffusionVl && !root.has("mask_token_id") ? " (DiffusionVL's own mask row; set mask_token_id)"
                    : " (an embedding row from 0 to " + lastId + ", or -1 for none)"));
        }
        int block = top.intOr("block_size", top.intOr("bd_size", top.intOr("bd3lm_block_size", mask >= 0 ? 8 : 1,
                1, ConfigValues.MAX_BLOCK), 1, ConfigValues.MAX_BLOCK), 1, ConfigValues.MAX_BLOCK);
        String system = top.textOr("system_prompt", diffusionVl ? DIFFUSIONVL_SYSTEM : null);
        String prompt = top.textOr("caption_prompt", "Describe this image in detail.");
        String placeholder = top.textOr("image_placeholder", "<image>");
        if (placeholder.isEmpty()) {
            throw new IllegalArgumentException("image_placeholder must not be empty (it marks where the image goes)");
        }
        boolean causalLm = top.boolOr("causal_lm_loss", false);
        DecodingDefaults decoding = new DecodingDefaults(mask, List.copyOf(eos), block, system, prompt, placeholder,
                causalLm);
        return new ModelConfig("llava-qwen2", text, vision, text.hiddenSize(), featureLayer, decoding, aspect, tiling);
    }

    /** The Qwen2 LM's keys, each bounded, with the relations attention and rotary positions need. */
    private static TextConfig textConfig(ConfigValues t, ConfigValues top) {
        int hidden = t.requiredInt("hidden_size", 1, ConfigValues.MAX_WIDTH);
        int heads = t.requiredInt("num_attention_heads", 1, ConfigValues.MAX_COUNT);
        int kvHeads = t.intOr("num_key_value_heads", heads, 1, heads);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(t.path("num_attention_heads") + " " + heads + " must be a multiple of "
                    + t.path("num_key_value_heads") + " " + kvHeads);
        }
        if (!t.has("head_dim") && hidden % heads != 0) {
            throw new IllegalArgumentException(t.path("hidden_size") + " " + hidden + " must divide by "
                    + t.path("num_attention_heads") + " " + heads + " (or set head_dim)");
        }
        int headDim = t.intOr("head_dim", hidden / heads, 2, ConfigValues.MAX_WIDTH);
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException(t.path("head_dim") + " " + headDim + " must be even (rotary embeddings "
                    + "rotate pairs)");
        }
        if ((long) headDim * heads > ConfigValues.MAX_WIDTH) {
            throw new IllegalArgumentException(t.path("num_attention_heads") + " x " + t.path("head_dim") + " = "
                    + (long) headDim * heads + " exceeds " + ConfigValues.MAX_WIDTH);
        }
        boolean tied = top.boolOr("tie_word_embeddings", t.boolOr("tie_word_embeddings", false));
        return new TextConfig(t.requiredInt("vocab_size", 1, ConfigValues.MAX_VOCAB), hidden,
                t.requiredInt("intermediate_size", 1, ConfigValues.MAX_WIDTH),
                t.requiredInt("num_hidden_layers", 1, ConfigValues.MAX_COUNT), heads, kvHeads, headDim,
                (float) t.numberOr("rms_norm_eps", 1e-6, Float.MIN_NORMAL, 1),
                (float) t.numberOr("rope_theta", 1_000_000.0, 1, Float.MAX_VALUE),
                t.intOr("max_position_embeddings", 32768, 1, ConfigValues.MAX_POSITIONS), tied);
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
        if (v != null && !v.isNull() && !v.isObject()) {
            throw new IllegalArgumentException("vision_config must be an object (the tower's shape), got " + v);
        }
        if (v != null && v.isObject()) {
            ConfigValues c = new ConfigValues(root, "").child("vision_config");
            int hidden = c.requiredInt("hidden_size", 1, ConfigValues.MAX_WIDTH);
            int heads = c.requiredInt("num_attention_heads", 1, ConfigValues.MAX_COUNT);
            if (hidden % heads != 0) {
                throw new IllegalArgumentException(c.path("hidden_size") + " " + hidden + " must divide by "
                        + c.path("num_attention_heads") + " " + heads);
            }
            int imageSize = c.requiredInt("image_size", 1, ConfigValues.MAX_POSITIONS);
            int patch = c.requiredInt("patch_size", 1, imageSize);
            if ((long) (imageSize / patch) * (imageSize / patch) > ConfigValues.MAX_POSITIONS) {
                throw new IllegalArgumentException(c.path("image_size") + " " + imageSize + " over "
                        + c.path("patch_size") + " " + patch + " gives more than " + ConfigValues.MAX_POSITIONS
                        + " patches");
            }
            String act = c.textOr("hidden_act", "gelu_pytorch_tanh");
            return new VisionConfig(hidden, c.requiredInt("intermediate_size", 1, ConfigValues.MAX_WIDTH),
                    c.requiredInt("num_hidden_layers", 1, ConfigValues.MAX_COUNT), heads, imageSize, patch,
                    c.intOr("num_channels", 3, 1, 16), (float) c.numberOr("layer_norm_eps", 1e-6, Float.MIN_NORMAL, 1),
                    act.contains("tanh"));
        }
        String tower = root.path("mm_vision_tower").asText("");
        if (tower.contains("so400m-patch14-384")) {
            return VisionConfig.so400mPatch14At384();
        }
        throw new IllegalArgumentException("no vision_config, and mm_vision_tower '" + tower
                + "' is not a tower whose shape is known (add a vision_config)");
    }

}
