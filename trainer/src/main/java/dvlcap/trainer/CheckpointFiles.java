package dvlcap.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dvlcap.model.DType;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.SafetensorsWriter;
import dvlcap.model.WeightSource;
import dvlcap.model.WordLevelTokenizerWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The files of a Hugging Face style llava-qwen2 directory, per docs/SPEC-weights.md: config.json,
 * model.safetensors (F32), tokenizer.json + tokenizer_config.json, preprocessor_config.json.
 */
public final class CheckpointFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointFiles() {
    }

    /**
     * config.json of an autoregressive model of {@code shape} over {@code vocabSize} ids.
     *
     * @param captionPrompt the default caption instruction the engine uses
     */
    public static ObjectNode arConfig(ModelShape shape, int vocabSize, int eosId, String captionPrompt) {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("LlavaQwenForCausalLM");
        c.put("model_type", "llava_qwen");
        c.put("torch_dtype", "float32");
        c.put("vocab_size", vocabSize);
        c.put("hidden_size", shape.hidden());
        c.put("intermediate_size", shape.intermediate());
        c.put("num_hidden_layers", shape.layers());
        c.put("num_attention_heads", shape.heads());
        c.put("num_key_value_heads", shape.kvHeads());
        c.put("head_dim", shape.hidden() / shape.heads());
        c.put("rms_norm_eps", shape.rmsNormEps());
        c.put("rope_theta", shape.ropeTheta());
        c.put("max_position_embeddings", shape.maxPositions());
        c.put("tie_word_embeddings", true);
        c.put("eos_token_id", eosId);
        c.put("mm_projector_type", "mlp2x_gelu");
        c.put("mm_hidden_size", shape.visionHidden());
        c.put("mm_vision_select_layer", -2);
        c.put("mm_vision_select_feature", "patch");
        c.put("image_aspect_ratio", "square");
        ObjectNode v = c.putObject("vision_config");
        v.put("model_type", "siglip_vision_model");
        v.put("hidden_size", shape.visionHidden());
        v.put("intermediate_size", shape.visionIntermediate());
        v.put("num_hidden_layers", shape.visionLayers());
        v.put("num_attention_heads", shape.visionHeads());
        v.put("image_size", shape.imageSize());
        v.put("patch_size", shape.patchSize());
        v.put("num_channels", 3);
        v.put("layer_norm_eps", 1e-6);
        v.put("hidden_act", "gelu_pytorch_tanh");
        c.putNull("system_prompt");
        c.put("caption_prompt", captionPrompt);
        c.put("image_placeholder", WordLevelTokenizerWriter.IMAGE);
        return c;
    }

    /** The AR config turned into a block-diffusion one: same weights, plus the mask row and block size. */
    public static ObjectNode diffusionConfig(ObjectNode arConfig, int maskTokenId, int blockSize) {
        ObjectNode c = arConfig.deepCopy();
        c.put("mask_token_id", maskTokenId);
        c.put("block_size", blockSize);
        return c;
    }

    public static ObjectNode readJson(Path file) {
        try {
            return (ObjectNode) JSON.readTree(file.toFile());
        } catch (IOException | ClassCastException e) {
            throw new UncheckedIOException(new IOException("cannot read " + file + ": " + e.getMessage(), e));
        }
    }

    /** Writes config.json and returns it as the engine reads it. */
    public static ModelConfig writeConfig(Path dir, ObjectNode config) {
        writeJson(dir.resolve("config.json"), config);
        return ModelConfigReader.read(dir.resolve("config.json"));
    }

    /** SigLIP's processor: resize to size x size bicubic (resample 3), rescale 1/255, mean/std 0.5. */
    public static void writePreprocessor(Path dir, int size) {
        ObjectNode p = JSON.createObjectNode();
        p.put("image_processor_type", "SiglipImageProcessor");
        p.put("do_resize", true);
        p.putObject("size").put("height", size).put("width", size);
        p.put("resample", 3);
        p.put("do_rescale", true);
        p.put("rescale_factor", 1.0 / 255);
        p.put("do_normalize", true);
        ArrayNode mean = p.putArray("image_mean"), std = p.putArray("image_std");
        for (int i = 0; i < 3; i++) {
            mean.add(0.5);
            std.add(0.5);
        }
        writeJson(dir.resolve("preprocessor_config.json"), p);
    }

    /** Word-level tokenizer: word i has id i, then the five Qwen-style specials. */
    public static void writeTokenizer(Path dir, List<String> words) {
        new WordLevelTokenizerWriter(words).specials(WordLevelTokenizerWriter.qwenSpecials(words.size())).write(dir);
    }

    /** Copies tokenizer and preprocessor files from another model directory. */
    public static void copyTokenizerAndPreprocessor(Path from, Path to) {
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "preprocessor_config.json")) {
            try {
                Files.copy(from.resolve(f), to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + f + " from " + from, e);
            }
        }
    }

    /** model.safetensors with every tensor in F32, in the store's order. */
    public static void writeWeights(Path dir, Parameters p) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (String name : p.names()) {
            int[] s = p.shape(name);
            long[] shape = new long[s.length];
            for (int i = 0; i < s.length; i++) {
                shape[i] = s[i];
            }
            w.add(name, DType.F32, p.get(name), shape);
        }
        w.metadata("format", "pt");
        w.write(dir.resolve("model.safetensors"));
    }

    /** Fills {@code p} from a checkpoint's tensors; every declared tensor must be there, shapes equal. */
    public static void readWeights(WeightSource source, Parameters p) {
        for (String name : p.names()) {
            int[] s = p.shape(name);
            long[] shape = new long[s.length];
            for (int i = 0; i < s.length; i++) {
                shape[i] = s[i];
            }
            float[] v = source.floats(name, shape);
            System.arraycopy(v, 0, p.get(name), 0, v.length);
        }
    }

    static void writeJson(Path file, ObjectNode node) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
