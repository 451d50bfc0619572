package dvlcap.trainer;

import dvlcap.image.PreprocessorConfig;
import dvlcap.model.DType;
import dvlcap.model.DecodingDefaults;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigWriter;
import dvlcap.model.TextConfig;
import dvlcap.model.VisionConfig;
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
    private CheckpointFiles() {
    }

    /**
     * The config of an autoregressive model of {@code shape} over {@code vocabSize} ids.
     *
     * @param captionPrompt the default caption instruction the engine uses
     */
    public static ModelConfig arConfig(ModelShape shape, int vocabSize, int eosId, String captionPrompt) {
        TextConfig text = new TextConfig(vocabSize, shape.hidden(), shape.intermediate(), shape.layers(), shape.heads(),
                shape.kvHeads(), shape.hidden() / shape.heads(), (float) shape.rmsNormEps(), (float) shape.ropeTheta(),
                shape.maxPositions(), true);
        VisionConfig vision = new VisionConfig(shape.visionHidden(), shape.visionIntermediate(), shape.visionLayers(),
                shape.visionHeads(), shape.imageSize(), shape.patchSize(), 3, 1e-6f, true);
        DecodingDefaults decoding = new DecodingDefaults(-1, List.of(eosId), 1, null, captionPrompt,
                WordLevelTokenizerWriter.IMAGE);
        return new ModelConfig("llava-qwen2", text, vision, shape.hidden(), -2, decoding);
    }

    /** The AR config turned into a block-diffusion one: same weights, plus the mask row and block size. */
    public static ModelConfig diffusionConfig(ModelConfig ar, int maskTokenId, int blockSize) {
        return diffusionConfig(ar, maskTokenId, blockSize, false);
    }

    /**
     * The same, saying whether the model was also trained with the causal-LM loss on its clean half
     * (Fast-dVLM's recipe: {@code causal_lm_loss} in config.json, which its decoders need).
     */
    public static ModelConfig diffusionConfig(ModelConfig ar, int maskTokenId, int blockSize, boolean causalLm) {
        DecodingDefaults d = ar.decoding();
        return new ModelConfig(ar.family(), ar.text(), ar.vision(), ar.projectorHidden(), ar.visionFeatureLayer(),
                new DecodingDefaults(maskTokenId, d.eosTokenIds(), blockSize, d.systemPrompt(), d.captionPrompt(),
                        d.imagePlaceholder(), causalLm), ar.imageAspectRatio());
    }

    /** Writes config.json (float32 weights) and returns it as the engine reads it. */
    public static ModelConfig writeConfig(Path dir, ModelConfig config) {
        return ModelConfigWriter.write(dir, config, DType.F32);
    }

    /** SigLIP's processor: resize to size x size bicubic (resample 3), rescale 1/255, mean/std 0.5. */
    public static void writePreprocessor(Path dir, int size) {
        PreprocessorConfig.writeSiglip(dir, size);
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
}
