package dvlcap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.Backends;
import dvlcap.backend.BudgetDevice;
import dvlcap.decode.DecodingSettings;
import dvlcap.testing.TinyCheckpoints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An engine on a CPU backend encodes images on their own thread; its captions are those of encoding at admission. */
@Timeout(300)
class VisionAheadEngineTest {

    @TempDir
    Path dir;

    private static List<CaptionRequest> requests(CaptionEngine engine, int n) {
        List<CaptionRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage im = new BufferedImage(24 + i, 16 + 2 * i, BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < 40; p++) {
                im.setRGB((p * 7 + i) % im.getWidth(), (p * 3 + 5 * i) % im.getHeight(), 0x10203 * (p + 11 * i));
            }
            out.add(new CaptionRequest("img" + i, engine.preprocessor().preprocess(im), null));
        }
        return out;
    }

    private static List<CaptionResult> caption(Path model, EngineOptions options, int n) {
        try (CaptionEngine engine = CaptionEngine.load(model, options, () -> Backends.create("cpu"))) {
            return engine.captionAll(requests(engine, n));
        }
    }

    @Test
    void captionsAreTheSameWithImagesEncodedAheadOrAtAdmissionAtBatchOneAndEight() {
        Path model = TinyCheckpoints.write(dir.resolve("tiny"), TinyCheckpoints.Spec.tiny(7));
        int n = 12;
        for (int batch : new int[] {1, 8}) {
            EngineOptions ahead = new EngineOptions(DecodingSettings.defaults().withMaxNewTokens(12), batch, "cpu");
            assertEquals(2 * batch, ahead.visionQueue(), "by default two batches of images are encoded ahead");
            List<CaptionResult> atAdmission = caption(model, ahead.withVisionQueue(0), n);
            List<CaptionResult> got = caption(model, ahead, n);
            List<CaptionResult> oneAhead = caption(model, ahead.withVisionQueue(1), n);
            for (int i = 0; i < n; i++) {
                assertEquals("img" + i, got.get(i).id());
                assertArrayEquals(atAdmission.get(i).tokens(), got.get(i).tokens(), "img" + i + " at batch " + batch);
                assertArrayEquals(atAdmission.get(i).tokens(), oneAhead.get(i).tokens(), "img" + i + ", one ahead");
                assertTrue(got.get(i).counters().visionMs() > 0, "img" + i + " reports its vision time");
            }
            assertTrue(got.stream().anyMatch(r -> r.tokens().length > 0), "some caption has tokens to compare");
        }
    }

    @Test
    void theChoiceOfWhereImagesAreEncodedIsMadeFromTheBackendAndTheQueueSize() {
        try (Backend lm = Backends.create("cpu"); Backend fake = BudgetDevice.withBudget(1 << 30);
             VisionPlacement cpu = VisionPlacement.choose(lm, 4);
             VisionPlacement off = VisionPlacement.choose(lm, 0);
             VisionPlacement device = VisionPlacement.choose(fake, 4)) {
            assertTrue(cpu.ownThread(), "a CPU backend lends the tower a sibling of its own");
            assertNotSame(lm, cpu.backend(lm), "the tower does not share the decoder's backend instance");
            assertFalse(off.ownThread(), "a queue of 0 encodes at admission");
            assertSame(lm, off.backend(lm));
            assertFalse(device.ownThread(), "a device without siblings (CUDA) encodes on the decoding thread");
            assertSame(fake, device.backend(fake));
        }
    }
}
