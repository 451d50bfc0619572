package dvlcap.testing;

import dvlcap.image.PreprocessorConfig;
import dvlcap.model.CheckpointLayout;
import dvlcap.model.DType;
import dvlcap.model.DecodingDefaults;
import dvlcap.model.ImageTiling;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigWriter;
import dvlcap.model.TextConfig;
import dvlcap.model.VisionConfig;
import dvlcap.model.SafetensorsWriter;
import dvlcap.model.WordLevelTokenizerWriter;

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
        return write(dir, spec, "square", ImageTiling.none());
    }

    /**
     * Writes a checkpoint whose images are tiled or merged as {@code tiling} says (with
     * {@code model.image_newline} when the merge type unpads); {@code imageAspectRatio} is the config
     * value that goes with it.
     */
    public static Path write(Path dir, Spec spec, String imageAspectRatio, ImageTiling tiling) {
        ModelConfig plain = config(spec);
        ModelConfig config = ModelConfigWriter.write(dir, new ModelConfig(plain.family(), plain.text(), plain.vision(),
                plain.projectorHidden(), plain.visionFeatureLayer(), plain.decoding(), imageAspectRatio, tiling),
                spec.dtype());
        PreprocessorConfig.writeSiglip(dir, spec.imageSize());
        new WordLevelTokenizerWriter(spec.words())
                .specials(WordLevelTokenizerWriter.qwenSpecials(spec.words().size()))
                .write(dir);
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

    private static ModelConfig config(Spec s) {
        TextConfig text = new TextConfig(s.vocabSize(), s.hidden(), s.intermediate(), s.layers(), s.heads(), s.kvHeads(),
                s.hidden() / s.heads(), 1e-6f, 1_000_000f, 4096, s.tied());
        VisionConfig vision = new VisionConfig(s.visionHidden(), s.visionIntermediate(), s.visionLayers(), s.visionHeads(),
                s.imageSize(), s.patchSize(), 3, 1e-6f, true);
        DecodingDefaults decoding = new DecodingDefaults(s.diffusion() ? s.effectiveMaskId() : -1, List.of(s.imEndId()),
                s.diffusion() ? s.blockSize() : 1, s.systemPrompt(), s.captionPrompt(), WordLevelTokenizerWriter.IMAGE);
        return new ModelConfig("llava-qwen2", text, vision, s.hidden(), -2, decoding);
    }
}
