package dvlcap.decode;

import dvlcap.image.VisionInput;
import dvlcap.backend.Backend;
import dvlcap.backend.Backends;
import dvlcap.model.ModelConfig;
import dvlcap.nn.LlavaModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Continuous batching must not change a greedy caption: every image's answer is the same alone
 * and inside batches of 1, 3, 8 and 32 with different neighbours, prompt lengths and answer
 * lengths (sequences finish and are replaced while others are mid-block).
 */
class BatchInvarianceTest {

    @Test
    void greedyCaptionsDoNotDependOnTheBatch() {
        ModelConfig config = RandomModel.config(RandomModel.MASK, List.of(3, 17, 42, 99));
        Backend backend = Backends.create("cpu");
        try (LlavaModel model = RandomModel.load(backend, config, 13)) {
            List<Scheduler.Job> jobs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                jobs.add(new Scheduler.Job("img" + i, RandomModel.prompt(config, 100 + i, 1 + i % 5, 2 + i % 7),
                        VisionInput.tile(RandomModel.pixels(config, 100 + i)), null));
            }
            DecodingSettings settings = DecodingSettings.defaults().withBlock(8, 4)
                    .withRemasking(RemaskingKind.DYNAMIC, 0.5f).withMaxNewTokens(40);
            Map<String, int[]> alone = new java.util.HashMap<>();
            for (Scheduler.Job j : jobs) {
                alone.put(j.id(), RandomModel.run(model, settings, List.of(j), 1).get(j.id()).answer());
            }
            Set<Integer> lengths = new HashSet<>();
            alone.values().forEach(a -> lengths.add(a.length));
            assertTrue(lengths.size() >= 4, "answers of different lengths exercise join/leave: " + lengths);

            Random shuffle = new Random(1);
            for (int batch : new int[]{1, 3, 8, 32}) {
                List<Scheduler.Job> order = new ArrayList<>(jobs);
                Collections.shuffle(order, shuffle);
                Map<String, Scheduler.Finished> got = RandomModel.run(model, settings, order, batch);
                assertEquals(jobs.size(), got.size());
                for (Scheduler.Job j : jobs) {
                    assertArrayEquals(alone.get(j.id()), got.get(j.id()).answer(),
                            j.id() + " in batches of " + batch + ": " + Arrays.toString(got.get(j.id()).answer()));
                }
            }
        }
    }
}
