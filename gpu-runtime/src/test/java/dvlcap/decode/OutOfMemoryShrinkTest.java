package dvlcap.decode;

import dvlcap.image.VisionInput;
import dvlcap.backend.CpuBackend;
import dvlcap.backend.DeviceOutOfMemoryException;
import dvlcap.backend.BatchLayout;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import dvlcap.model.ModelConfig;
import dvlcap.nn.KvPool;
import dvlcap.nn.LlavaModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Running out of device memory shrinks the batch and retries; it never loses or changes a caption. */
class OutOfMemoryShrinkTest {

    /**
     * A scalar backend whose "device" refuses any single allocation above a limit, as a GPU would;
     * the limit is set after the model and its KV pool are loaded, so that only activations meet it.
     */
    static final class SmallDevice extends CpuBackend {
        private final ScalarBackend math = new ScalarBackend();
        private int limitFloats = Integer.MAX_VALUE;
        int refusals;

        void limit(int floats) {
            limitFloats = floats;
        }

        @Override
        public String name() {
            return "small-device";
        }

        @Override
        public Tensor allocate(int n) {
            if (n > limitFloats) {
                refusals++;
                throw new DeviceOutOfMemoryException(4L * n, -1, "test limit of " + limitFloats + " floats");
            }
            return super.allocate(n);
        }

        @Override
        public void matmul(Tensor out, Tensor x, Weight w, Tensor bias, int rows) {
            math.matmul(out, x, w, bias, rows);
        }

        @Override
        public void batchedAttention(Tensor out, Tensor q, Tensor k, Tensor v, BatchLayout layout, int heads,
                                     int kvHeads, int headDim) {
            math.batchedAttention(out, q, k, v, layout, heads, kvHeads, headDim);
        }
    }

    @Test
    void batchShrinksOnOutOfMemoryAndCaptionsStayTheSame() {
        ModelConfig config = RandomModel.config(RandomModel.MASK, List.of(3, 17, 42));
        List<Scheduler.Job> jobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            jobs.add(new Scheduler.Job("img" + i, RandomModel.prompt(config, 200 + i, 2, 4),
                    VisionInput.tile(RandomModel.pixels(config, 200 + i)), null));
        }
        DecodingSettings settings = DecodingSettings.defaults().withBlock(8, 4).withMaxNewTokens(24);
        Map<String, Scheduler.Finished> roomy;
        try (LlavaModel model = RandomModel.load(new ScalarBackend(), config, 13)) {
            roomy = RandomModel.run(model, settings, jobs, 8);
        }
        // One prompt (26 rows) plus its block fits in 40 rows of width 64; eight prompts do not.
        SmallDevice device = new SmallDevice();
        try (LlavaModel model = RandomModel.load(device, config, 13);
             KvPool pool = RandomModel.roomyPool(model, settings, jobs, 8)) {
            device.limit(40 * 128);
            Map<String, Scheduler.Finished> tight = RandomModel.run(model, settings, jobs, 8, pool);
            assertEquals(0, pool.pagesInUse(), "every page back in the pool");
            assertTrue(device.refusals > 0, "the test limit must actually bite");
            assertEquals(jobs.size(), tight.size(), "no caption lost");
            for (Scheduler.Job j : jobs) {
                assertArrayEquals(roomy.get(j.id()).answer(), tight.get(j.id()).answer(), j.id());
            }
        }
    }

    @Test
    void aSequenceThatDoesNotFitAloneFailsAloneAndTheOthersFinish() {
        ModelConfig config = RandomModel.config(RandomModel.MASK, List.of(3));
        List<Scheduler.Job> jobs = List.of(
                new Scheduler.Job("small", RandomModel.prompt(config, 1, 1, 2), VisionInput.tile(RandomModel.pixels(config, 1)), null),
                new Scheduler.Job("huge", RandomModel.prompt(config, 2, 300, 2), VisionInput.tile(RandomModel.pixels(config, 2)), null),
                new Scheduler.Job("small2", RandomModel.prompt(config, 3, 1, 2), VisionInput.tile(RandomModel.pixels(config, 3)), null));
        SmallDevice device = new SmallDevice();
        DecodingSettings settings = DecodingSettings.defaults().withMaxNewTokens(8);
        try (LlavaModel model = RandomModel.load(device, config, 13);
             KvPool pool = RandomModel.roomyPool(model, settings, jobs, 1)) {
            device.limit(100 * 128); // the pool holds "huge"; its activations do not fit
            Map<String, Scheduler.Finished> done = new java.util.HashMap<>();
            List<String> failed = new ArrayList<>();
            SequenceFactory factory = new SequenceFactory(settings, config.decoding());
            try (Scheduler s = new Scheduler(model, factory, 1, pool, new Scheduler.Listener() {
                @Override
                public void finished(Scheduler.Finished f) {
                    done.put(f.job().id(), f);
                }

                @Override
                public void failed(Scheduler.Failed f) {
                    assertTrue(f.error() instanceof DeviceOutOfMemoryException);
                    failed.add(f.job().id());
                }
            })) {
                jobs.forEach(s::add);
                while (s.step()) {
                    // until idle
                }
            }
            assertEquals(List.of("huge"), failed);
            assertEquals(java.util.Set.of("small", "small2"), done.keySet());
        }
    }
}
