package dvlcap.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dvlcap.model.CheckpointLayout;
import dvlcap.model.DType;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.SafetensorsWriter;
import dvlcap.model.WordLevelTokenizerWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes complete random llava-qwen2 checkpoint directories (config, weights, tokenizer, chat template,
 * preprocessor config) following docs/SPEC-weights.md, small enough for unit tests. Weights are
 * deterministic in the seed; each tensor has its own stream, so changing one dim leaves others alone.
 */
public final class TinyCheckpoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Words of the default vocabulary: the prompt's words, the chat roles and some caption words. */
    public static final List<String> DEFAULT_WORDS = List.of(
            "<unk>", ".", ",", "system", "user", "assistant", "you", "are", "a", "helpful", "describe", "this",
            "image", "in", "detail", "the", "an", "of", "on", "with", "and", "is", "there", "shows", "photo",
            "dog", "cat", "red", "green", "blue", "white", "black", "yellow", "square", "circle", "stripe",
            "background", "small", "large", "left", "right", "top", "bottom", "center", "two", "one");

    /**
     * A tiny model's shape. The tokenizer's ids are: word i = i, then {@code <|endoftext|>},
     * {@code <|im_start|>}, {@code <|im_end|>}, {@code <image>}, {@code <|mask|>}; vocab_size counts them all.
     *
     * @param dtype dtype of the weights on disk (F32, BF16 or F16)
     * @param diffusion block-diffusion model (mask_token_id and block_size in config) or autoregressive
     * @param maskTokenId the mask embedding row, or -1 for the {@code <|mask|>} token's id
     * @param tied tie_word_embeddings (no lm_head.weight)
     * @param sharded write model-0000{1,2}-of-00002.safetensors + index instead of model.safetensors
     * @param systemPrompt config system_prompt, or null for none
     */
    public record Spec(long seed, DType dtype, List<String> words,
                       int hidden, int intermediate, int layers, int heads, int kvHeads,
                       int visionHidden, int visionIntermediate, int visionLayers, int visionHeads,
                       int imageSize, int patchSize,
                       boolean diffusion, int maskTokenId, int blockSize, boolean tied, boolean sharded,
                       String systemPrompt, String captionPrompt) {

        public Spec {
            words = List.copyOf(words);
        }

        /** hidden 64, 2 layers, 4 heads / 2 kv heads; vision 32 wide, 2 layers, 32px images, 8px patches. */
        public static Spec tiny(long seed) {
            return new Spec(seed, DType.F32, DEFAULT_WORDS, 64, 128, 2, 4, 2, 32, 64, 2, 2, 32, 8,
                    true, -1, 4, false, false, "You are a helpful assistant.", "Describe this image in detail.");
        }

        public int vocabSize() {
            return words.size() + 5;
        }

        public int endOfTextId() {
            return words.size();
        }

        public int imStartId() {
            return words.size() + 1;
        }

        public int imEndId() {
            return words.size() + 2;
        }

        public int imageTokenId() {
            return words.size() + 3;
        }

        /** The mask embedding row used in config (the {@code <|mask|>} token unless set), -1 when autoregressive. */
        public int effectiveMaskId() {
            return !diffusion ? -1 : maskTokenId >= 0 ? maskTokenId : words.size() + 4;
        }

        public int numPatches() {
            return (imageSize / patchSize) * (imageSize / patchSize);
        }

        public Spec withDtype(DType d) {
            return new Spec(seed, d, words, hidden, intermediate, layers, heads, kvHeads, visionHidden,
                    visionIntermediate, visionLayers, visionHeads, imageSize, patchSize, diffusion, maskTokenId,
                    blockSize, tied, sharded, systemPrompt, captionPrompt);
        }

        public Spec withSharded(boolean s) {
            return new Spec(seed, dtype, words, hidden, intermediate, layers, heads, kvHeads, visionHidden,
                    visionIntermediate, visionLayers, visionHeads, imageSize, patchSize, diffusion, maskTokenId,
                    blockSize, tied, s, systemPrompt, captionPrompt);
        }

        public Spec withTied(boolean t) {
            return new Spec(seed, dtype, words, hidden, intermediate, layers, heads, kvHeads, visionHidden,
                    visionIntermediate, visionLayers, visionHeads, imageSize, patchSize, diffusion, maskTokenId,
                    blockSize, t, sharded, systemPrompt, captionPrompt);
        }

        /** Block diffusion with the given mask row (-1: the {@code <|mask|>} token) and block size. */
        public Spec withDiffusion(int maskId, int block) {
            return new Spec(seed, dtype, words, hidden, intermediate, layers, heads, kvHeads, visionHidden,
                    visionIntermediate, visionLayers, visionHeads, imageSize, patchSize, true, maskId, block, tied,
                    sharded, systemPrompt, captionPrompt);
        }

        public Spec withAutoregressive() {
            return new Spec(seed, dtype, words, hidden, intermediate, layers, heads, kvHeads, visionHidden,
                    visionIntermediate, visionLayers, visionHeads, imageSize, patchSize, false, -1, 1, tied,
                    sharded, systemPrompt, captionPrompt);
        }

        public Spec withText(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numKvHeads) {
            return new Spec(seed, dtype, words, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                    visionHidden, visionIntermediate, visionLayers, visionHeads, imageSize, patchSize, diffusion,
                    maskTokenId, blockSize, tied, sharded, systemPrompt, captionPrompt);
        }

        public Spec withVision(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int image,
                               int patch) {
            return new Spec(seed, dtype, words, hidden, intermediate, layers, heads, kvHeads, hiddenSize,
                    intermediateSize, numLayers, numHeads, image, patch, diffusion, maskTokenId, blockSize, tied,
                    sharded, systemPrompt, captionPrompt);
        }

        public Spec withPrompts(String system, String caption) {
            return new Spec(seed, dtype, words, hidden, intermediate, layers, heads, kvHeads, visionHidden,
                    visionIntermediate, visionLayers, visionHeads, imageSize, patchSize, diffusion, maskTokenId,
                    blockSize, tied, sharded, system, caption);
        }

        public Spec withWords(List<String> w) {
            return new Spec(seed, dtype, w, hidden, intermediate, layers, heads, kvHeads, visionHidden,
                    visionIntermediate, visionLayers, visionHeads, imageSize, patchSize, diffusion, maskTokenId,
                    blockSize, tied, sharded, systemPrompt, captionPrompt);
        }
    }

    private TinyCheckpoints() {
    }

    /** Writes the checkpoint into {@code dir} (created if needed) and returns {@code dir}. */
    public static Path write(Path dir, Spec spec) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config(spec)));
            Files.write(dir.resolve("preprocessor_config.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(preprocessor(spec)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        new WordLevelTokenizerWriter(spec.words())
                .specials(WordLevelTokenizerWriter.qwenSpecials(spec.words().size()))
                .write(dir);
        ModelConfig config = ModelConfigReader.read(dir.resolve("config.json"));
        SafetensorsWriter w = new SafetensorsWriter();
        for (Map.Entry<String, long[]> t : CheckpointLayout.shapes(config).entrySet()) {
            w.add(t.getKey(), spec.dtype(), randomTensor(spec.seed(), t.getKey(), t.getValue()), t.getValue());
        }
        if (spec.sharded()) {
            w.writeSharded(dir, 2);
        } else {
            w.write(dir.resolve("model.safetensors"));
        }
        return dir;
    }

    /** The values written for a tensor before rounding to the spec's dtype (for tests that need an oracle). */
    public static float[] randomTensor(long seed, String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        Random r = new Random(seed * 1_000_003L + name.hashCode());
        boolean norm = name.contains("layernorm") || name.contains("layer_norm") || name.endsWith("norm.weight");
        double std;
        double mean = 0;
        if (norm && name.endsWith(".weight")) {
            mean = 1;
            std = 0.05; // scale weights near 1 so activations keep their size
        } else if (name.endsWith(".bias")) {
            std = 0.02;
        } else {
            std = 0.08;
        }
        float[] out = new float[Math.toIntExact(n)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (mean + std * r.nextGaussian());
        }
        return out;
    }

    private static ObjectNode config(Spec s) {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("LlavaQwenForCausalLM");
        c.put("model_type", "llava_qwen");
        c.put("torch_dtype", switch (s.dtype()) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> throw new IllegalArgumentException("dtype " + s.dtype());
        });
        c.put("vocab_size", s.vocabSize());
        c.put("hidden_size", s.hidden());
        c.put("intermediate_size", s.intermediate());
        c.put("num_hidden_layers", s.layers());
        c.put("num_attention_heads", s.heads());
        c.put("num_key_value_heads", s.kvHeads());
        c.put("head_dim", s.hidden() / s.heads());
        c.put("rms_norm_eps", 1e-6);
        c.put("rope_theta", 1_000_000.0);
        c.put("max_position_embeddings", 4096);
        c.put("tie_word_embeddings", s.tied());
        c.put("eos_token_id", s.imEndId());
        if (s.diffusion()) {
            c.put("mask_token_id", s.effectiveMaskId());
            c.put("block_size", s.blockSize());
        }
        c.put("mm_projector_type", "mlp2x_gelu");
        c.put("mm_hidden_size", s.visionHidden());
        c.put("mm_vision_select_layer", -2);
        c.put("mm_vision_select_feature", "patch");
        c.put("image_aspect_ratio", "square");
        ObjectNode v = c.putObject("vision_config");
        v.put("model_type", "siglip_vision_model");
        v.put("hidden_size", s.visionHidden());
        v.put("intermediate_size", s.visionIntermediate());
        v.put("num_hidden_layers", s.visionLayers());
        v.put("num_attention_heads", s.visionHeads());
        v.put("image_size", s.imageSize());
        v.put("patch_size", s.patchSize());
        v.put("num_channels", 3);
        v.put("layer_norm_eps", 1e-6);
        v.put("hidden_act", "gelu_pytorch_tanh");
        if (s.systemPrompt() == null) {
            c.putNull("system_prompt");
        } else {
            c.put("system_prompt", s.systemPrompt());
        }
        c.put("caption_prompt", s.captionPrompt());
        c.put("image_placeholder", WordLevelTokenizerWriter.IMAGE);
        return c;
    }

    private static ObjectNode preprocessor(Spec s) {
        ObjectNode p = JSON.createObjectNode();
        p.put("image_processor_type", "SiglipImageProcessor");
        p.put("do_resize", true);
        p.putObject("size").put("height", s.imageSize()).put("width", s.imageSize());
        p.put("resample", 3);
        p.put("do_rescale", true);
        p.put("rescale_factor", 1.0 / 255);
        p.put("do_normalize", true);
        ArrayNode mean = p.putArray("image_mean");
        ArrayNode std = p.putArray("image_std");
        for (int i = 0; i < 3; i++) {
            mean.add(0.5);
            std.add(0.5);
        }
        return p;
    }
}
