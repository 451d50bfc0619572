package dvlcap.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a llava-qwen2 {@code config.json} from a {@link ModelConfig}: the inverse of
 * {@link ModelConfigReader}, so that reading what it wrote gives the same config. The keys are the
 * LLaVA-OneVision ones DiffusionVL uses, plus dvlcap's {@code caption_prompt},
 * {@code system_prompt} and {@code image_placeholder}; a diffusion model adds
 * {@code mask_token_id} and {@code block_size}.
 */
public final class ModelConfigWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelConfigWriter() {
    }

    /** The config as JSON, for weights stored as {@code dtype} ({@code torch_dtype}). */
    public static ObjectNode toJson(ModelConfig config, DType dtype) {
        if (config.isQwenVl()) {
            throw new IllegalArgumentException("ModelConfigWriter writes llava-qwen2 configs; a qwen2.5-vl config is its "
                    + "release's own config.json");
        }
        TextConfig t = config.text();
        VisionConfig v = config.vision();
        DecodingDefaults d = config.decoding();
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("LlavaQwenForCausalLM");
        c.put("model_type", "llava_qwen");
        c.put("torch_dtype", switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> throw new IllegalArgumentException("no torch_dtype for weights stored as " + dtype);
        });
        c.put("vocab_size", t.vocabSize());
        c.put("hidden_size", t.hiddenSize());
        c.put("intermediate_size", t.intermediateSize());
        c.put("num_hidden_layers", t.numLayers());
        c.put("num_attention_heads", t.numHeads());
        c.put("num_key_value_heads", t.numKvHeads());
        c.put("head_dim", t.headDim());
        c.put("rms_norm_eps", decimal(t.rmsNormEps()));
        c.put("rope_theta", decimal(t.ropeTheta()));
        c.put("max_position_embeddings", t.maxPositionEmbeddings());
        c.put("tie_word_embeddings", t.tieWordEmbeddings());
        if (d.eosTokenIds().size() == 1) {
            c.put("eos_token_id", d.eosTokenIds().get(0));
        } else {
            d.eosTokenIds().forEach(c.putArray("eos_token_id")::add);
        }
        if (d.isDiffusion()) {
            c.put("mask_token_id", d.maskTokenId());
            c.put("block_size", d.blockSize());
        }
        c.put("mm_projector_type", "mlp2x_gelu");
        c.put("mm_hidden_size", v.hiddenSize());
        c.put("mm_vision_select_layer", config.visionFeatureLayer());
        c.put("mm_vision_select_feature", "patch");
        c.put("image_aspect_ratio", config.imageAspectRatio());
        ImageTiling tiling = config.tiling();
        if (tiling.anyres()) {
            ArrayNode pins = c.putArray("image_grid_pinpoints");
            for (ImageTiling.Resolution r : tiling.pinpoints()) {
                pins.addArray().add(r.width()).add(r.height());
            }
        }
        if (tiling.merge() != PatchMerge.FLAT) {
            // absent means flat: configs of untiled models stay as they were
            c.put("mm_patch_merge_type", tiling.merge().configName());
        }
        ObjectNode vc = c.putObject("vision_config");
        vc.put("model_type", "siglip_vision_model");
        vc.put("hidden_size", v.hiddenSize());
        vc.put("intermediate_size", v.intermediateSize());
        vc.put("num_hidden_layers", v.numLayers());
        vc.put("num_attention_heads", v.numHeads());
        vc.put("image_size", v.imageSize());
        vc.put("patch_size", v.patchSize());
        vc.put("num_channels", v.numChannels());
        vc.put("layer_norm_eps", decimal(v.layerNormEps()));
        vc.put("hidden_act", v.geluTanh() ? "gelu_pytorch_tanh" : "gelu");
        if (d.systemPrompt() == null) {
            c.putNull("system_prompt");
        } else {
            c.put("system_prompt", d.systemPrompt());
        }
        c.put("caption_prompt", d.captionPrompt());
        c.put("image_placeholder", d.imagePlaceholder());
        return c;
    }

    /** Writes {@code dir/config.json} (creating dir) and returns the config as the engine reads it back. */
    public static ModelConfig write(Path dir, ModelConfig config, DType dtype) {
        Path file = dir.resolve("config.json");
        try {
            Files.createDirectories(dir);
            Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(config, dtype)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return ModelConfigReader.read(file);
    }

    /** A float as the shortest decimal that reads back as it (1.0E-6, not 9.99999997E-7). */
    private static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }
}
