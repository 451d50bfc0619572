package dvlcap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Tensor;
import dvlcap.backend.VectorBackend;
import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.image.AnyresPreprocessor;
import dvlcap.image.VisionInput;
import dvlcap.model.ImageTiling;
import dvlcap.model.ModelDirectory;
import dvlcap.model.PromptTokens;
import dvlcap.nn.AnyresVisionEncoder;
import dvlcap.nn.InputRows;
import dvlcap.nn.LlavaModel;
import dvlcap.testing.TinyCheckpoints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An anyres llava-qwen2 checkpoint through the whole engine: the factories pick the anyres preprocessor
 * and encoder, images of different shapes (and so different row counts) caption together, and each
 * caption is the greedy answer computed without the engine from the same rows.
 */
class AnyresEngineTest {
    private static final int MAX_NEW = 10;

    private static BufferedImage image(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 7 + seed * 31) % 256) << 16 | ((y * 11 + seed) % 256) << 8 | (x * y + seed) % 256);
            }
        }
        return img;
    }

    /** Greedy autoregressive decoding with the uncached forward, stopping before EOS. */
    private static int[] greedy(LlavaModel model, int[] prompt, VisionInput in, int eos) {
        int vocab = model.config().text().vocabSize();
        List<Integer> answer = new ArrayList<>();
        try (Tensor image = model.vision().encode(in)) {
            int[] seq = prompt;
            while (answer.size() < MAX_NEW) {
                float[] logits = model.fullLogits(seq, image, 1);
                int row = seq.length - 1, best = 0;
                for (int v = 1; v < vocab; v++) {
                    if (logits[row * vocab + v] > logits[row * vocab + best]) {
                        best = v;
                    }
                }
                if (best == eos) {
                    break;
                }
                answer.add(best);
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = best;
            }
        }
        return answer.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void anyresImagesOfDifferentShapesCaptionAsTheGreedyOracleSays(@TempDir Path dir) {
        TinyCheckpoints.Spec spec = TinyCheckpoints.Spec.tiny(5).withAutoregressive();
        int tile = spec.imageSize();
        List<ImageTiling.Resolution> pins = ImageTiling.expandGrid("(1x1),...,(3x3)", tile);
        // anyres_max_2: the 3-tile-wide image's unpadded map is shrunk, the small one's is not
        TinyCheckpoints.write(dir, spec, "anyres_max_2", ImageTiling.of("anyres_max_2", pins, "spatial_unpad", tile));
        EngineOptions options = new EngineOptions(DecodingSettings.defaults().withDecoder(DecoderKind.AR)
                .withMaxNewTokens(MAX_NEW), 4, "cpu");
        List<BufferedImage> images = List.of(image(90, 40, 1), image(20, 50, 2), image(33, 33, 3));
        List<CaptionResult> results;
        List<VisionInput> inputs = new ArrayList<>();
        try (CaptionEngine engine = CaptionEngine.load(dir, options)) {
            assertInstanceOf(AnyresPreprocessor.class, engine.preprocessor());
            List<CaptionRequest> requests = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                VisionInput in = engine.preprocessor().preprocess(images.get(i));
                inputs.add(in);
                requests.add(new CaptionRequest("img" + i, in, null));
            }
            results = engine.captionAll(requests);
        }
        try (ModelDirectory files = ModelDirectory.open(dir); VectorBackend b = new VectorBackend();
             LlavaModel model = LlavaModel.load(b, files.config(), files.weights())) {
            assertInstanceOf(AnyresVisionEncoder.class, model.vision());
            PromptTokens tokens = files.captionPrompt().tokens();
            int eos = files.config().decoding().eosTokenIds().get(0);
            List<Integer> rowCounts = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                int rows = model.vision().tokens(inputs.get(i));
                rowCounts.add(rows);
                int[] expected = greedy(model, InputRows.prompt(tokens, rows), inputs.get(i), eos);
                assertArrayEquals(expected, results.get(i).tokens(), "img" + i);
            }
            assertNotEquals(rowCounts.get(0), rowCounts.get(1), "the batch is ragged: " + rowCounts);
            assertTrue(results.stream().allMatch(r -> r.tokens().length > 0), "every image got a caption to compare");
        }
    }
}
