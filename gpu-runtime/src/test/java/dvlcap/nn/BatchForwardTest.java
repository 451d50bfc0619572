package dvlcap.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.backend.VectorBackend;
import dvlcap.bench.ModelShapes;
import dvlcap.bench.RandomWeightSource;
import dvlcap.model.ModelConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A batched forward hands each sequence what its logit rows say under the uncached reference forward
 * (argmax, its softmax probability, the logits), whatever else is in the batch: prompts with image
 * rows, denoising blocks and single tokens mixed, on one KV pool.
 */
class BatchForwardTest {
    private final Backend b = new VectorBackend();
    private final ModelConfig config = ModelShapes.get("tiny");
    private final SplittableRandom rand = new SplittableRandom(17);
    private LlavaModel model;
    private KvPool pool;
    private Tensor image;

    @BeforeEach
    void load() {
        model = LlavaModel.load(b, config, new RandomWeightSource(config, 5));
        pool = model.lm().newPool(4, 64);
        int h = config.text().hiddenSize();
        float[] rows = new float[6 * h];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) rand.nextDouble(-1, 1);
        }
        image = b.upload(rows);
    }

    @AfterEach
    void close() {
        image.close();
        pool.close();
        model.close();
    }

    @Test
    void eachSequenceGetsTheReferenceForwardsChoicesAtItsLogitRows() {
        int vocab = config.text().vocabSize();
        // a prompt with image rows (logits at its last row), a block of 8 (logits everywhere), a token
        int[][] ids = {withImage(ids(11), 3, 6), ids(8), ids(1)};
        int[] maskBlocks = {1, 8, 1};
        int[][] logitRows = {{10}, {0, 1, 2, 3, 4, 5, 6, 7}, {0}};
        List<BatchForward.Input> inputs = new ArrayList<>();
        List<KvCache> caches = new ArrayList<>();
        try (BatchForward forward = new BatchForward(b, model.lm())) {
            for (int s = 0; s < ids.length; s++) {
                KvCache cache = pool.newCache(ids[s].length);
                caches.add(cache);
                inputs.add(new BatchForward.Input(cache, 0, ids[s], maskBlocks[s], logitRows[s], s == 0 ? image : null,
                        0, null));
            }
            BatchForward.Result result = forward.run(inputs, true);
            assertEquals(3, result.choices().size());
            for (int s = 0; s < ids.length; s++) {
                float[] full = model.fullLogits(ids[s], s == 0 ? image : null, maskBlocks[s]);
                BatchForward.Choices c = result.choices().get(s);
                for (int i = 0; i < logitRows[s].length; i++) {
                    int row = logitRows[s][i];
                    int best = argmax(full, row * vocab, vocab);
                    assertEquals(best, c.ids()[i], "sequence " + s + " row " + row);
                    assertEquals(softmaxAt(full, row * vocab, vocab, best), c.confidence()[i], 1e-5,
                            "sequence " + s + " row " + row);
                    for (int t = 0; t < vocab; t++) {
                        assertEquals(full[row * vocab + t], c.logits()[i * vocab + t], 1e-4,
                                "sequence " + s + " row " + row + " token " + t);
                    }
                }
            }
        } finally {
            caches.forEach(KvCache::close);
        }
    }

    @Test
    void aSequencesChoicesAreBitwiseTheSameAloneOrInABatch() {
        int[] mine = ids(8);
        BatchForward.Choices alone, together;
        try (BatchForward forward = new BatchForward(b, model.lm()); KvCache cache = pool.newCache(8)) {
            alone = forward.run(List.of(new BatchForward.Input(cache, 0, mine, 8, new int[] {2, 5}, null, 0, null)),
                    true).choices().get(0);
        }
        List<KvCache> caches = new ArrayList<>();
        try (BatchForward forward = new BatchForward(b, model.lm())) {
            List<BatchForward.Input> inputs = new ArrayList<>();
            for (int s = 0; s < 5; s++) {
                int[] theirs = s == 3 ? mine : ids(1 + rand.nextInt(16));
                KvCache cache = pool.newCache(theirs.length);
                caches.add(cache);
                inputs.add(new BatchForward.Input(cache, 0, theirs, s == 3 ? 8 : 1,
                        s == 3 ? new int[] {2, 5} : new int[] {theirs.length - 1}, null, 0, null));
            }
            together = forward.run(inputs, true).choices().get(3);
        } finally {
            caches.forEach(KvCache::close);
        }
        assertArrayEquals(alone.ids(), together.ids());
        assertArrayEquals(alone.confidence(), together.confidence());
        assertArrayEquals(alone.logits(), together.logits());
    }

    @Test
    void logitsStayOnTheDeviceUnlessAskedAndTheBufferGrowsWithTheBatch() {
        try (BatchForward forward = new BatchForward(b, model.lm()); KvCache small = pool.newCache(2);
             KvCache large = pool.newCache(40)) {
            BatchForward.Choices c = forward.run(List.of(new BatchForward.Input(small, 0, ids(2), 1, new int[] {1},
                    null, 0, null)), false).choices().get(0);
            assertNull(c.logits());
            assertEquals(1, c.ids().length);
            BatchForward.Result grown = forward.run(List.of(new BatchForward.Input(large, 0, ids(40), 1,
                    new int[] {39}, null, 0, null)), false);
            assertEquals(1, grown.choices().get(0).ids().length);
        }
    }

    @Test
    void aLogitRowOutsideTheInputIsRefused() {
        try (KvCache cache = pool.newCache(4)) {
            assertThrows(IllegalArgumentException.class,
                    () -> new BatchForward.Input(cache, 0, ids(4), 1, new int[] {4}, null, 0, null));
        }
    }

    private int[] ids(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = rand.nextInt(config.text().vocabSize());
        }
        return a;
    }

    private static int[] withImage(int[] ids, int from, int n) {
        for (int i = from; i < from + n; i++) {
            ids[i] = InputRows.IMAGE;
        }
        return ids;
    }

    private static int argmax(float[] a, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (a[from + i] > a[from + best]) {
                best = i;
            }
        }
        return best;
    }

    private static double softmaxAt(float[] a, int from, int n, int at) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(a[from + i] - a[from + at]);
        }
        return 1 / sum;
    }
}
