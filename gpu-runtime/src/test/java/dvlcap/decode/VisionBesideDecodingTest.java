package dvlcap.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.BudgetDevice;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelConfig;
import dvlcap.nn.KvPool;
import dvlcap.nn.LlavaModel;
import dvlcap.nn.VisionEncoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Images encoded on their own thread ahead of admission (DESIGN.md §4): decoding goes on while an
 * image is being encoded, captions are those of encoding at admission, and every image is freed.
 */
@Timeout(120)
class VisionBesideDecodingTest {
    private static final ModelConfig CONFIG = RandomModel.config(RandomModel.MASK, List.of(3, 17, 42));
    private static final DecodingSettings SETTINGS = DecodingSettings.defaults().withBlock(8, 4).withMaxNewTokens(24);

    /** A vision encoder that holds one chosen image's encode until released. */
    static final class Gate implements VisionEncoder {
        final VisionEncoder inner;
        final VisionInput held;
        final CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        volatile boolean returned;

        Gate(VisionEncoder inner, VisionInput held) {
            this.inner = inner;
            this.held = held;
        }

        @Override
        public int tokens(VisionInput image) {
            return inner.tokens(image);
        }

        @Override
        public Tensor encode(VisionInput image) {
            if (image == held) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                Tensor t = inner.encode(image);
                returned = true;
                return t;
            }
            return inner.encode(image);
        }

        @Override
        public void close() {
        }
    }

    /** Collects what the scheduler reports. */
    static final class Results implements Scheduler.Listener {
        final Map<String, Scheduler.Finished> finished = new HashMap<>();
        final List<Scheduler.Failed> failed = new ArrayList<>();

        @Override
        public void finished(Scheduler.Finished f) {
            finished.put(f.job().id(), f);
        }

        @Override
        public void failed(Scheduler.Failed f) {
            failed.add(f);
        }
    }

    private static List<Scheduler.Job> jobs(int n) {
        List<Scheduler.Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(new Scheduler.Job("img" + i, RandomModel.prompt(CONFIG, 300 + i, 1 + i % 3, 2 + i % 5),
                    VisionInput.tile(RandomModel.pixels(CONFIG, 300 + i)), null));
        }
        return jobs;
    }

    private static Scheduler scheduler(LlavaModel model, VisionQueue queue, int batch, KvPool pool, Results out) {
        return new Scheduler(model.backend(), model.lm(), queue,
                new SequenceFactory(SETTINGS, model.config().decoding()), batch, pool, out);
    }

    @Test
    void decodingStepsKeepRunningWhileAnImageIsBeingEncoded() throws InterruptedException {
        List<Scheduler.Job> jobs = jobs(2);
        try (LlavaModel model = RandomModel.load(new ScalarBackend(), new ScalarBackend(), CONFIG, 13)) {
            Map<String, Scheduler.Finished> atAdmission = RandomModel.run(model, SETTINGS, jobs, 2);
            Gate gate = new Gate(model.vision(), jobs.get(1).image());
            Results out = new Results();
            int stepsWhileEncoding = 0;
            try (KvPool pool = RandomModel.roomyPool(model, SETTINGS, jobs, 2);
                 Scheduler s = scheduler(model, VisionQueue.ahead(gate, 4), 2, pool, out)) {
                jobs.forEach(s::add);
                assertTrue(s.step(), "the first image is encoded and its sequence admitted");
                assertTrue(gate.entered.await(30, TimeUnit.SECONDS), "the worker is encoding the second image");
                // the second image's encode is held: decoding must not wait for it
                while (!out.finished.containsKey("img0")) {
                    assertTrue(s.step(), "a step ran a forward");
                    stepsWhileEncoding++;
                }
                assertFalse(gate.returned, "img0 finished while img1 was still being encoded");
                assertEquals(1, s.waitingCount(), "img1 waited for its image, not decoding for it");
                gate.release.countDown();
                while (s.step()) {
                    // until img1 has finished too
                }
            }
            assertTrue(out.failed.isEmpty(), () -> out.failed.get(0).error().toString());
            assertTrue(stepsWhileEncoding >= 2 && stepsWhileEncoding >= out.finished.get("img0").forwards() - 1,
                    stepsWhileEncoding + " forwards ran during the held encode");
            for (Scheduler.Job j : jobs) {
                assertArrayEquals(atAdmission.get(j.id()).answer(), out.finished.get(j.id()).answer(), j.id());
            }
        }
    }

    @Test
    void captionsAreThoseOfEncodingAtAdmissionAtBatchOneAndEight() {
        List<Scheduler.Job> jobs = jobs(10);
        try (LlavaModel model = RandomModel.load(new ScalarBackend(), new ScalarBackend(), CONFIG, 13)) {
            for (int batch : new int[] {1, 8}) {
                Map<String, Scheduler.Finished> atAdmission = RandomModel.run(model, SETTINGS, jobs, batch);
                Results out = new Results();
                try (KvPool pool = RandomModel.roomyPool(model, SETTINGS, jobs, batch);
                     Scheduler s = scheduler(model, VisionQueue.ahead(model.vision(), 3), batch, pool, out)) {
                    jobs.forEach(s::add);
                    while (s.step()) {
                        // until every job has finished
                    }
                }
                assertTrue(out.failed.isEmpty(), () -> out.failed.get(0).error().toString());
                assertEquals(jobs.size(), out.finished.size());
                for (Scheduler.Job j : jobs) {
                    Scheduler.Finished f = out.finished.get(j.id());
                    assertArrayEquals(atAdmission.get(j.id()).answer(), f.answer(), j.id() + " at batch " + batch);
                    assertTrue(f.visionMs() > 0, j.id() + " reports the time its image took");
                }
            }
        }
    }

    @Test
    void everyImageIsFreedWhenCaptionsFailOrTheSchedulerCloses() {
        List<Scheduler.Job> jobs = jobs(8);
        for (boolean failFirst : new boolean[] {true, false}) {
            BudgetDevice vision = BudgetDevice.withBudget(Long.MAX_VALUE);
            Results out = new Results();
            try (LlavaModel model = RandomModel.load(new ScalarBackend(), vision, CONFIG, 13);
                 KvPool pool = RandomModel.roomyPool(model, SETTINGS, jobs, 2)) {
                int loaded = vision.liveTensors();
                try (Scheduler s = scheduler(model, VisionQueue.ahead(model.vision(), 3), 2, pool, out)) {
                    jobs.forEach(s::add);
                    s.step();
                    s.step();
                    assertTrue(s.activeCount() >= 1);
                    assertTrue(vision.liveTensors() > loaded, "images are held, running or encoded ahead");
                    if (failFirst) {
                        s.failAll(new IllegalStateException("test: the engine cannot go on"));
                        assertEquals(jobs.size(), out.failed.size(), "every caption ended");
                    }
                }
                assertEquals(jobs.size(), out.failed.size(), "close ended every caption (failFirst=" + failFirst + ")");
                assertTrue(out.finished.isEmpty());
            }
            assertEquals(0, vision.liveTensors(), vision.liveTensors() + " tensors left on the vision device");
        }
    }
}
