package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Backends;
import dvlcap.backend.Tensor;
import dvlcap.bench.ModelShapes;
import dvlcap.bench.RandomWeightSource;
import dvlcap.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A sequence whose cache lies on scattered pages of a shared pool (other sequences' pages between
 * and after them) gives the same logits, bit for bit, as one on consecutive pages of its own.
 */
class PagedKvCacheTest {

    @Test
    void scatteredPagesGiveTheLogitsOfAContiguousCache() {
        ModelConfig config = ModelShapes.get("tiny");
        Backend b = Backends.create("cpu");
        try (LlavaModel model = LlavaModel.load(b, config, new RandomWeightSource(config, 3))) {
            Qwen2Model lm = model.lm();
            int n = 45, block = 8;
            int[] ids = new SplittableRandom(9).ints(n, 0, config.text().vocabSize()).toArray();
            float[] contiguous;
            try (KvCache own = lm.newCache(n)) {
                contiguous = chunked(b, lm, own, ids, block);
            }
            float[] scattered;
            try (KvPool pool = lm.newPool(KvPool.DEFAULT_PAGE_SIZE, 12)) {
                KvCache a = pool.newCache(20), c = pool.newCache(40), d = pool.newCache(10);
                a.close();
                d.close();
                try (KvCache s = pool.newCache(n)) {
                    int[] pages = s.pageTable().pages();
                    assertFalse(isRun(pages), "the test needs non-consecutive pages, got " + Arrays.toString(pages));
                    scattered = chunked(b, lm, s, ids, block);
                }
                c.close();
                assertEquals(0, pool.pagesInUse());
            }
            assertArrayEquals(contiguous, scattered);
        }
    }

    /** Logits of every position, fed block by block as the decoder does. */
    private static float[] chunked(Backend b, Qwen2Model lm, KvCache cache, int[] ids, int block) {
        int vocab = lm.config().vocabSize(), h = lm.config().hiddenSize();
        float[] out = new float[ids.length * vocab];
        for (int pos = 0; pos < ids.length; pos += block) {
            int len = Math.min(block, ids.length - pos);
            try (Tensor x = b.allocate(len * h)) {
                lm.embed(x, 0, Arrays.copyOfRange(ids, pos, pos + len));
                lm.forward(x, List.of(new Segment(cache, pos, len, block)));
                int[] rows = new int[len];
                for (int i = 0; i < len; i++) {
                    rows[i] = i;
                }
                b.read(lm.logits(x, rows), 0, out, pos * vocab, len * vocab);
            }
            cache.commit(pos + len);
        }
        return out;
    }

    private static boolean isRun(int[] pages) {
        for (int i = 1; i < pages.length; i++) {
            if (pages[i] != pages[i - 1] + 1) {
                return false;
            }
        }
        return true;
    }
}
