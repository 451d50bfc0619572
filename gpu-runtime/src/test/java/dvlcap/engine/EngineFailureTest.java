package dvlcap.engine;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.BudgetDevice;
import dvlcap.decode.DecodingSettings;
import dvlcap.testing.TinyCheckpoints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What callers see when the engine thread itself fails: every caption ends, none waits forever. */
class EngineFailureTest {

    @TempDir
    Path dir;

    @Test
    void anErrorInAForwardFailsEveryPendingAndLaterCaptionInsteadOfHanging() throws Exception {
        Path model = TinyCheckpoints.write(dir.resolve("tiny"), TinyCheckpoints.Spec.tiny(3));
        BudgetDevice device = BudgetDevice.withBudget(Long.MAX_VALUE);
        EngineOptions options = new EngineOptions(DecodingSettings.defaults().withMaxNewTokens(4), 2, "cpu");
        try (CaptionEngine engine = CaptionEngine.load(model, options, () -> device)) {
            device.failNextAllocationWith(new OutOfMemoryError("test: the device ran out mid-forward"));
            List<CompletableFuture<CaptionResult>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) { // more than the batch: some wait in the queue
                BufferedImage im = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
                im.setRGB(i, i, 0xff00ff);
                futures.add(engine.submit(new CaptionRequest("img" + i, engine.preprocessor().preprocess(im), null)));
            }
            for (CompletableFuture<CaptionResult> f : futures) {
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> f.get(60, TimeUnit.SECONDS));
                assertInstanceOf(IllegalStateException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("the device ran out mid-forward"),
                        e.getCause().getMessage());
            }
            CompletableFuture<CaptionResult> later = engine.submit(new CaptionRequest("later",
                    engine.preprocessor().preprocess(new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB)), null));
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> later.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().startsWith("engine failed"), e.getCause().getMessage());
        }
        // close() still released the model and the pool: nothing left on the device
        assertTrue(device.liveTensors() == 0, device.liveTensors() + " tensors left");
    }

    @Test
    void anErrorInAForwardLeavesNoImageOnTheVisionThreadsDevice() throws Exception {
        Path model = TinyCheckpoints.write(dir.resolve("tiny"), TinyCheckpoints.Spec.tiny(3));
        BudgetDevice device = BudgetDevice.withSiblings();
        EngineOptions options = new EngineOptions(DecodingSettings.defaults().withMaxNewTokens(4), 2, "cpu")
                .withVisionQueue(3);
        List<CompletableFuture<CaptionResult>> futures = new ArrayList<>();
        try (CaptionEngine engine = CaptionEngine.load(model, options, () -> device)) {
            assertTrue(device.siblings().size() == 1, "the vision tower runs on a sibling device");
            List<CaptionRequest> requests = new ArrayList<>();
            for (int i = 0; i < 8; i++) { // a batch running, three encoded ahead, the rest waiting
                BufferedImage im = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
                im.setRGB(i, i, 0xff00ff);
                requests.add(new CaptionRequest("img" + i, engine.preprocessor().preprocess(im), null));
            }
            device.failNextAllocationWith(new OutOfMemoryError("test: the device ran out mid-forward"));
            requests.forEach(r -> futures.add(engine.submit(r)));
            for (CompletableFuture<CaptionResult> f : futures) {
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> f.get(60, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("the device ran out mid-forward"),
                        e.getCause().getMessage());
            }
        }
        BudgetDevice vision = device.siblings().get(0);
        assertTrue(vision.peakBytes() > 0, "the vision tower was loaded on the sibling");
        assertTrue(vision.liveTensors() == 0, vision.liveTensors() + " tensors left on the vision device");
        assertTrue(device.liveTensors() == 0, device.liveTensors() + " tensors left on the LM's device");
    }
}
