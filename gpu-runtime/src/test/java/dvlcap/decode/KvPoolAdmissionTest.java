package dvlcap.decode;

import dvlcap.backend.BudgetDevice;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelConfig;
import dvlcap.nn.KvPool;
import dvlcap.nn.LlavaModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admission by pages: on a device with a total memory budget, a KV pool with room for three
 * sequences admits three at a time although the batch allows eight, never runs the device out of
 * memory, finishes every caption with the same answer as a roomy run, and closes with every page back.
 */
class KvPoolAdmissionTest {
    private static final DecodingSettings SETTINGS = DecodingSettings.defaults().withBlock(8, 4)
            .withRemasking(RemaskingKind.DYNAMIC, 0.5f).withMaxNewTokens(24);

    private static List<Scheduler.Job> jobs(ModelConfig config, int n) {
        List<Scheduler.Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(new Scheduler.Job("img" + i, RandomModel.prompt(config, 300 + i, 1 + i % 4, 2 + i % 5),
                    VisionInput.tile(RandomModel.pixels(config, 300 + i)), null));
        }
        return jobs;
    }

    @Test
    void aPoolForThreeAdmitsThreeWithinTheDeviceBudgetAndCaptionsMatchARoomyRun() {
        ModelConfig config = RandomModel.config(RandomModel.MASK, List.of(3, 17, 42));
        List<Scheduler.Job> jobs = jobs(config, 10);
        SequenceFactory factory = new SequenceFactory(SETTINGS, config.decoding());
        int longest = jobs.stream().mapToInt(j -> factory.capacity(j.prompt().length)).max().orElseThrow();
        int perSequence = (longest + KvPool.DEFAULT_PAGE_SIZE - 1) / KvPool.DEFAULT_PAGE_SIZE;

        // What three sequences at a time need on an unlimited device: weights, pool, activations.
        Map<String, Scheduler.Finished> roomy;
        long needed;
        BudgetDevice unlimited = BudgetDevice.withBudget(Long.MAX_VALUE);
        try (LlavaModel model = RandomModel.load(unlimited, config, 13)) {
            roomy = RandomModel.run(model, SETTINGS, jobs, 8);
            try (KvPool three = model.lm().newPool(KvPool.DEFAULT_PAGE_SIZE, 3 * perSequence)) {
                RandomModel.run(model, SETTINGS, jobs, 3, three);
            }
            needed = unlimited.peakBytes();
        }

        BudgetDevice device = BudgetDevice.withBudget(needed);
        int[] mostActive = {0};
        Map<String, Scheduler.Finished> done = new HashMap<>();
        try (LlavaModel model = RandomModel.load(device, config, 13)) {
            long poolBytes;
            try (KvPool pool = model.lm().newPool(KvPool.DEFAULT_PAGE_SIZE, 3 * perSequence)) {
                try (Scheduler s = new Scheduler(model, factory, 8, pool, listener(done))) {
                    jobs.forEach(s::add);
                    while (s.step()) {
                        mostActive[0] = Math.max(mostActive[0], s.activeCount());
                        assertTrue(pool.pagesInUse() <= pool.totalPages());
                    }
                }
                assertEquals(0, pool.pagesInUse(), "every page back in the pool");
                assertTrue(pool.peakPages() > 2 * perSequence, "three sequences held pages at once");
                poolBytes = device.bytesInUse();
            } // closes clean: it would throw if pages were held
            assertTrue(poolBytes - device.bytesInUse() >= 3L * perSequence * model.lm().pageBytes(KvPool.DEFAULT_PAGE_SIZE),
                    "closing the pool freed its memory");
        }
        assertEquals(0, device.liveTensors(), "nothing left on the device");
        assertEquals(0, device.refusals(), "admission by pages never ran the device out of memory");
        assertEquals(3, mostActive[0], "the pool, not the batch size of 8, decided how many ran");
        assertEquals(jobs.size(), done.size(), "every caption finished");
        for (Scheduler.Job j : jobs) {
            assertArrayEquals(roomy.get(j.id()).answer(), done.get(j.id()).answer(), j.id());
        }
    }

    @Test
    void aCaptionLongerThanTheWholePoolFailsAloneNamingTheBudget() {
        ModelConfig config = RandomModel.config(RandomModel.MASK, List.of(3));
        List<Scheduler.Job> jobs = new ArrayList<>(jobs(config, 3));
        jobs.add(1, new Scheduler.Job("huge", RandomModel.prompt(config, 1, 200, 2),
                VisionInput.tile(RandomModel.pixels(config, 1)), null));
        SequenceFactory factory = new SequenceFactory(SETTINGS, config.decoding());
        Map<String, Scheduler.Finished> done = new HashMap<>();
        List<Scheduler.Failed> failed = new ArrayList<>();
        try (LlavaModel model = RandomModel.load(new dvlcap.backend.ScalarBackend(), config, 13);
             KvPool pool = model.lm().newPool(KvPool.DEFAULT_PAGE_SIZE, 8)) {
            try (Scheduler s = new Scheduler(model, factory, 4, pool, new Scheduler.Listener() {
                @Override
                public void finished(Scheduler.Finished f) {
                    done.put(f.job().id(), f);
                }

                @Override
                public void failed(Scheduler.Failed f) {
                    failed.add(f);
                }
            })) {
                jobs.forEach(s::add);
                while (s.step()) {
                    // until idle
                }
            }
        }
        assertEquals(1, failed.size());
        assertEquals("huge", failed.get(0).job().id());
        String message = failed.get(0).error().getMessage();
        assertTrue(message.contains("needs 16 KV pages") && message.contains("holds 8 pages")
                && message.contains("--kv-budget"), message);
        assertEquals(3, done.size(), "the others finished");
    }

    private static Scheduler.Listener listener(Map<String, Scheduler.Finished> done) {
        return new Scheduler.Listener() {
            @Override
            public void finished(Scheduler.Finished f) {
                done.put(f.job().id(), f);
            }

            @Override
            public void failed(Scheduler.Failed f) {
                throw f.error();
            }
        };
    }
}
