package dvlcap.bench;

import dvlcap.image.PreprocessorConfig;
import dvlcap.model.DType;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigWriter;
import dvlcap.model.SafetensorsWriter;
import dvlcap.model.WordLevelTokenizerWriter;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a complete llava-qwen2 model directory with {@link RandomWeightSource}'s weights for a
 * shape (config, preprocessor config, a word-level tokenizer, safetensors shards), so that the
 * engine loads a big shape the way it loads a release: from files, in their stored dtype. The
 * weights are generated and written one slice at a time, never held whole, so a 7B checkpoint
 * (15 GB in bf16) needs no more than a few MiB of heap to write.
 */
public final class RandomCheckpoint {
    /** Shards of about this size, like the releases' 4-5 GB files. */
    static final long SHARD_BYTES = 4L << 30;
    /** The tokenizer's words: those of the default prompts, so a prompt encodes without unknowns. */
    private static final List<String> WORDS = List.of("<unk>", ".", ",", "system", "user", "assistant", "you", "are",
            "a", "helpful", "describe", "this", "image", "in", "detail", "the", "of");

    /** What was written. */
    public record Written(Path dir, int tensors, long bytes, int files) {
    }

    private RandomCheckpoint() {
    }

    public static Written write(Path dir, ModelConfig config, DType dtype, long seed) {
        ModelConfig written = ModelConfigWriter.write(dir, config, dtype);
        PreprocessorConfig.writeSiglip(dir, config.vision().imageSize());
        tokenizer(written).write(dir);
        RandomWeightSource weights = new RandomWeightSource(config, seed);
        SafetensorsWriter w = new SafetensorsWriter();
        long bytes = 0;
        for (String name : weights.names()) {
            long[] shape = weights.shape(name);
            w.add(name, dtype, shape, weights.values(name));
            long n = dtype.size();
            for (long d : shape) {
                n *= d;
            }
            bytes += n;
        }
        int shards = (int) Math.max(1, (bytes + SHARD_BYTES - 1) / SHARD_BYTES);
        if (shards == 1) {
            w.write(dir.resolve("model.safetensors"));
        } else {
            w.writeSharded(dir, shards);
        }
        return new Written(dir, weights.names().size(), bytes, shards);
    }

    /**
     * A word-level tokenizer whose chat special tokens sit just below the first EOS id, as in
     * Qwen2 ({@code <|endoftext|>}, {@code <|im_start|>}, {@code <|im_end|>} = EOS), the image
     * placeholder right after it and {@code <|mask|>} at the config's mask row.
     */
    private static WordLevelTokenizerWriter tokenizer(ModelConfig config) {
        int eos = config.decoding().eosTokenIds().get(0);
        if (eos - 2 < WORDS.size() || eos + 1 >= config.text().vocabSize()) {
            throw new IllegalArgumentException("EOS id " + eos + " leaves no room for the tokenizer's words and specials");
        }
        Map<String, Integer> specials = new LinkedHashMap<>();
        specials.put(WordLevelTokenizerWriter.ENDOFTEXT, eos - 2);
        specials.put(WordLevelTokenizerWriter.IM_START, eos - 1);
        specials.put(WordLevelTokenizerWriter.IM_END, eos);
        specials.put(config.decoding().imagePlaceholder(), eos + 1);
        int mask = config.decoding().maskTokenId();
        if (mask >= 0 && !specials.containsValue(mask)) {
            specials.put(WordLevelTokenizerWriter.MASK, mask);
        }
        return new WordLevelTokenizerWriter(WORDS).specials(specials);
    }
}
