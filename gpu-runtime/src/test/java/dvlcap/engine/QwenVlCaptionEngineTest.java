package dvlcap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.backend.VectorBackend;
import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelDirectory;
import dvlcap.model.WordLevelTokenizerWriter;
import dvlcap.nn.InputRows;
import dvlcap.nn.LlavaModel;
import dvlcap.nn.RopePositions;
import dvlcap.testing.TinyCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The tiny qwen2.5-vl model of the parity fixture, captioning end to end through {@link CaptionEngine}
 * in each release's shape: Hugging Face Qwen2.5-VL (autoregressive, M-RoPE), a Fast-dVLM-style config
 * (block diffusion with M-RoPE) and DiffusionVL-Qwen2.5VL (block diffusion, 1-D positions, the LLaVA
 * prompt). The oracle is greedy decoding by full forwards without a cache ({@link LlavaModel#fullLogits}),
 * which block diffusion with B = S = 1 must equal.
 */
class QwenVlCaptionEngineTest {
    private static final Path FIXTURE = Path.of("src/test/resources/parity/qwen25vl");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_NEW = 10, EOS = 287;

    @TempDir
    Path tmp;

    /** A model directory: the fixture's weights and config (edited), a word-level tokenizer, Qwen's image processor. */
    private Path model(String layout, Consumer<ObjectNode> edit) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(layout + "-" + System.nanoTime()));
        Files.copy(FIXTURE.resolve(layout).resolve("model.safetensors"), dir.resolve("model.safetensors"));
        ObjectNode config = (ObjectNode) JSON.readTree(FIXTURE.resolve(layout).resolve("config.json").toFile());
        edit.accept(config);
        Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config));
        new WordLevelTokenizerWriter(TinyCheckpoints.DEFAULT_WORDS)
                .special("<image>", 283).special(WordLevelTokenizerWriter.IM_START, 285)
                .special(WordLevelTokenizerWriter.ENDOFTEXT, 286).special(WordLevelTokenizerWriter.IM_END, EOS)
                .special("<|vision_start|>", 288).special("<|vision_end|>", 289).special("<|image_pad|>", 290)
                .write(dir);
        Files.writeString(dir.resolve("preprocessor_config.json"), """
                {"min_pixels": 3136, "max_pixels": 40000, "patch_size": 14, "temporal_patch_size": 2, "merge_size": 2,
                 "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
                 "image_processor_type": "Qwen2VLImageProcessor"}
                """);
        return dir;
    }

    private static BufferedImage picture(long seed, int width, int height) {
        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                im.setRGB(x, y, (x / 9 * 40 + r.nextInt(30)) << 16 | (y / 7 * 50) << 8 | r.nextInt(256));
            }
        }
        return im;
    }

    private static List<CaptionResult> caption(Path dir, DecodingSettings settings, List<BufferedImage> images) {
        try (CaptionEngine e = CaptionEngine.load(dir, new EngineOptions(settings, 4, "vector"))) {
            List<CaptionRequest> requests = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                requests.add(new CaptionRequest("img" + i, e.preprocessor().preprocess(images.get(i)), null));
            }
            return e.captionAll(requests);
        }
    }

    /**
     * Greedy decoding, each token from a full forward of prompt + answer so far, no cache: read at the
     * last row (autoregressive), or for a diffusion model ({@code mask >= 0}) at a mask row appended
     * after them, logits at the same position as block diffusion with B = S = 1 reads them.
     */
    private static int[] greedyReference(Path dir, BufferedImage picture, boolean withPositions, int[] promptOut) {
        try (ModelDirectory files = ModelDirectory.open(dir)) {
            Backend b = new VectorBackend();
            VisionInput image = dvlcap.image.VisionPreprocessors.load(files.preprocessorConfig(), files.config())
                    .preprocess(picture);
            try (LlavaModel m = LlavaModel.load(b, files.config(), files.weights());
                 Tensor features = m.vision().encode(image)) {
                int[] prompt = InputRows.prompt(files.captionPrompt().tokens(), m.vision().tokens(image));
                if (promptOut != null) {
                    System.arraycopy(prompt, 0, promptOut, 0, Math.min(prompt.length, promptOut.length));
                }
                RopePositions pos = withPositions ? m.positions(prompt, image) : null;
                int vocab = files.config().text().vocabSize(), mask = files.config().decoding().maskTokenId();
                int[] seq = prompt;
                List<Integer> answer = new ArrayList<>();
                while (answer.size() < MAX_NEW) {
                    int[] input = seq;
                    if (mask >= 0) {
                        input = Arrays.copyOf(seq, seq.length + 1);
                        input[seq.length] = mask;
                    }
                    float[] logits = m.fullLogits(input, features, pos, 1);
                    int last = input.length - 1, best = 0;
                    for (int v = 1; v < vocab; v++) {
                        if (logits[last * vocab + v] > logits[last * vocab + best]) {
                            best = v;
                        }
                    }
                    if (best == EOS) {
                        break;
                    }
                    answer.add(best);
                    seq = Arrays.copyOf(seq, seq.length + 1);
                    seq[seq.length - 1] = best;
                }
                return answer.stream().mapToInt(Integer::intValue).toArray();
            }
        }
    }

    private static DecodingSettings settings(DecoderKind kind) {
        return DecodingSettings.defaults().withDecoder(kind).withMaxNewTokens(MAX_NEW);
    }

    @Test
    void huggingFaceQwen25vlCaptionsAsGreedyDecodingWithMrope() throws IOException {
        Path dir = model("hf", c -> { });
        BufferedImage picture = picture(1, 100, 80);
        int[] prompt = new int[64];
        int[] want = greedyReference(dir, picture, true, prompt);
        // the prompt wraps the image in <|vision_start|> ... <|vision_end|> (100x80 -> 84x112 pixels -> 3x4 rows)
        String p = Arrays.toString(prompt);
        assertTrue(p.contains("288, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 289"), p);
        // the oracle can tell M-RoPE from plain positions on this model
        assertFalse(Arrays.equals(want, greedyReference(dir, picture, false, null)), "positions must matter");
        CaptionResult got = caption(dir, settings(DecoderKind.AR), List.of(picture)).get(0);
        assertArrayEquals(want, got.tokens());
    }

    @Test
    void fastDvlmStyleBlockDiffusionKeepsMropePositions() throws IOException {
        Path dir = model("hf", c -> {
            c.putArray("architectures").add("Fast_dVLMForConditionalGeneration");
            c.put("mask_token_id", 299);
            c.put("block_size", 4);
        });
        BufferedImage a = picture(2, 100, 80), b = picture(3, 60, 130), c = picture(4, 90, 90);
        int[] want = greedyReference(dir, a, true, null);
        CaptionResult oneByOne = caption(dir, settings(DecoderKind.BLOCK).withBlock(1, 1), List.of(a)).get(0);
        assertArrayEquals(want, oneByOne.tokens(), "B = S = 1 is greedy decoding");
        // block 4 as configured: the caption of an image does not depend on its batch neighbours
        List<CaptionResult> together = caption(dir, settings(DecoderKind.BLOCK), List.of(a, b, c));
        CaptionResult alone = caption(dir, settings(DecoderKind.BLOCK), List.of(a)).get(0);
        assertArrayEquals(alone.tokens(), together.get(0).tokens());
        System.out.println("Fast-dVLM-style caption tokens: " + Arrays.toString(want) + ", block 4: "
                + Arrays.toString(alone.tokens()));
    }

    @Test
    void diffusionVlCaptionsWithOneDimensionalPositionsAndTheLlavaPrompt() throws IOException {
        Path dir = model("diffusionvl", c -> { });
        BufferedImage a = picture(5, 100, 80), b = picture(6, 70, 50);
        int[] prompt = new int[80];
        int[] want = greedyReference(dir, a, true, prompt);
        String p = Arrays.toString(prompt);
        assertFalse(p.contains("288") || p.contains("289"), "no vision start/end tokens: " + p);
        CaptionResult oneByOne = caption(dir, settings(DecoderKind.BLOCK).withBlock(1, 1), List.of(a)).get(0);
        assertArrayEquals(want, oneByOne.tokens(), "B = S = 1 is greedy decoding");
        List<CaptionResult> together = caption(dir, settings(DecoderKind.BLOCK), List.of(b, a));
        CaptionResult alone = caption(dir, settings(DecoderKind.BLOCK), List.of(a)).get(0);
        assertArrayEquals(alone.tokens(), together.get(1).tokens());
        System.out.println("DiffusionVL-style caption tokens: " + Arrays.toString(want) + ", block 4: "
                + Arrays.toString(alone.tokens()));
    }
}
