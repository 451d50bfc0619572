package dvlcap.trainer;

import dvlcap.image.ImageDecoder;
import dvlcap.image.ImagePreprocessor;
import dvlcap.model.CaptionPrompt;
import dvlcap.model.PromptTokens;
import dvlcap.model.TextTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A corpus tokenized exactly as the engine tokenizes at inference: the model's chat template and
 * tokenizer give the prompt (split at the image placeholder), the caption becomes its tokens plus
 * EOS. Images stay as PNG bytes and are decoded and preprocessed (the engine's
 * {@link ImagePreprocessor}) when a batch needs them, which keeps large corpora small in memory.
 */
public final class TrainingCorpus {
    private record Entry(String id, int image, int[] prompt, int[] answer) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final List<byte[]> images = new ArrayList<>();
    private final ImagePreprocessor preprocessor;
    private final ImageDecoder decoder = new ImageDecoder();

    private TrainingCorpus(ImagePreprocessor preprocessor) {
        this.preprocessor = preprocessor;
    }

    /**
     * @param unkId the tokenizer's unknown-word id: a caption that needs it is an error, since the
     *        model could never write that word
     */
    public static TrainingCorpus load(Path dir, List<ManifestLine> lines, TextTokenizer tokenizer, CaptionPrompt prompt,
                                      int eosId, int unkId, int imageTokens, ImagePreprocessor preprocessor) {
        TrainingCorpus c = new TrainingCorpus(preprocessor);
        Map<String, int[]> prompts = new HashMap<>();
        Map<String, Integer> imageIndex = new HashMap<>();
        for (ManifestLine l : lines) {
            int[] p = prompts.computeIfAbsent(l.prompt(), text -> spliced(prompt.tokens(text), imageTokens));
            int[] words = tokenizer.encode(l.caption());
            int[] answer = new int[words.length + 1];
            System.arraycopy(words, 0, answer, 0, words.length);
            answer[words.length] = eosId;
            for (int w : words) {
                if (w == unkId) {
                    throw new IllegalArgumentException("caption of " + l.id() + " has a word outside the vocabulary: "
                            + l.caption());
                }
            }
            int image = imageIndex.computeIfAbsent(l.file(), f -> {
                try {
                    c.images.add(Files.readAllBytes(dir.resolve(f)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read image " + dir.resolve(f) + " of " + l.id(), e);
                }
                return c.images.size() - 1;
            });
            c.entries.add(new Entry(l.id(), image, p, answer));
        }
        return c;
    }

    /** before ++ image rows ++ after, image rows as {@link LmInput#imageRow}. */
    static int[] spliced(PromptTokens t, int imageTokens) {
        int[] before = t.before(), after = t.after();
        int[] out = new int[before.length + imageTokens + after.length];
        System.arraycopy(before, 0, out, 0, before.length);
        for (int i = 0; i < imageTokens; i++) {
            out[before.length + i] = LmInput.imageRow(i);
        }
        System.arraycopy(after, 0, out, before.length + imageTokens, after.length);
        return out;
    }

    public int size() {
        return entries.size();
    }

    public int imageCount() {
        return images.size();
    }

    /** Example {@code i} with its image decoded and preprocessed now. */
    public CaptionSample sample(int i) {
        Entry e = entries.get(i);
        float[] pixels = preprocessor.tile(decoder.decode(images.get(e.image), e.id));
        return new CaptionSample(e.id, pixels, e.prompt, e.answer);
    }

    /** The examples whose image index is in [from, to): a split by image, so no image is in both. */
    public List<Integer> indicesOfImages(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            int img = entries.get(i).image;
            if (img >= from && img < to) {
                out.add(i);
            }
        }
        return out;
    }

    /** Mean answer length in tokens (EOS included). */
    public double meanAnswerTokens() {
        return entries.stream().mapToInt(e -> e.answer.length).average().orElse(0);
    }

    public int promptLength(int i) {
        return entries.get(i).prompt.length;
    }
}
