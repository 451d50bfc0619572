package dvlcap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dvlcap.backend.Backend;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.cuda.CudaTestSupport;
import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Greedy captions of the embedded models (models/) on CUDA, token for token the captions of the
 * scalar CPU reference, for each model's own decoder: block diffusion with dynamic remasking
 * (shapes-dvlm), AR (shapes-ar), Fast-dVLM speculative (shapes-fast-dvlm). Skipped with the reason
 * where no GPU is present (a failure under DVLCAP_REQUIRE_CUDA=1, as in the device check).
 */
class CudaEmbeddedCaptionsTest {
    private static final Path MODELS = Path.of("..", "models");
    private static final int IMAGES = 6;

    @Test
    void blockDiffusionCaptionsOfShapesDvlmMatchTheCpu() {
        compare("shapes-dvlm", DecodingSettings.defaults());
    }

    @Test
    void arCaptionsOfShapesArMatchTheCpu() {
        compare("shapes-ar", DecodingSettings.defaults().withDecoder(DecoderKind.AR));
    }

    @Test
    void speculativeCaptionsOfShapesFastDvlmMatchTheCpu() {
        compare("shapes-fast-dvlm", DecodingSettings.defaults().withDecoder(DecoderKind.SPECULATIVE));
    }

    private static void compare(String model, DecodingSettings settings) {
        Backend gpu = CudaTestSupport.backendOrSkip();
        List<CaptionResult> onGpu = caption(model, settings, () -> gpu);
        List<CaptionResult> onCpu = caption(model, settings, ScalarBackend::new);
        assertEquals(onCpu.size(), onGpu.size());
        for (int i = 0; i < onCpu.size(); i++) {
            String what = model + " image " + i + ": cpu '" + onCpu.get(i).caption() + "' cuda '" + onGpu.get(i).caption() + "'";
            assertArrayEquals(onCpu.get(i).tokens(), onGpu.get(i).tokens(), what);
            assertEquals(onCpu.get(i).caption(), onGpu.get(i).caption(), what);
        }
    }

    /** Captions of the same pictures, batched 4 at a time; the engine owns and closes the backend. */
    private static List<CaptionResult> caption(String model, DecodingSettings settings, Supplier<Backend> backend) {
        try (CaptionEngine e = CaptionEngine.load(MODELS.resolve(model), new EngineOptions(settings, 4, "scalar"), backend)) {
            List<CaptionRequest> requests = new ArrayList<>();
            for (int i = 0; i < IMAGES; i++) {
                requests.add(new CaptionRequest("img" + i, e.preprocessor().preprocess(scene(i)), null));
            }
            return e.captionAll(requests);
        }
    }

    /** A few filled shapes on a plain background, like the shapes corpus the models were trained on. */
    static BufferedImage scene(long seed) {
        Random r = new Random(seed);
        BufferedImage im = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setColor(new Color(235, 235, 235));
        g.fillRect(0, 0, 224, 224);
        Color[] colors = {Color.RED, Color.BLUE, Color.GREEN, Color.YELLOW, Color.MAGENTA, Color.ORANGE};
        for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) {
            g.setColor(colors[r.nextInt(colors.length)]);
            int x = r.nextInt(150), y = r.nextInt(150), s = 30 + r.nextInt(40);
            switch (r.nextInt(3)) {
                case 0 -> g.fillOval(x, y, s, s);
                case 1 -> g.fillRect(x, y, s, s);
                default -> g.fillPolygon(new int[] {x, x + s, x + s / 2}, new int[] {y + s, y + s, y}, 3);
            }
        }
        g.dispose();
        return im;
    }
}
