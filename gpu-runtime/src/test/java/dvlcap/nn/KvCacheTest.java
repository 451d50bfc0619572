package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.bench.ModelShapes;
import dvlcap.bench.RandomWeightSource;
import dvlcap.model.ModelConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A forward that reuses the KV cache chunk by chunk equals the full uncached forward. */
class KvCacheTest {

    @ParameterizedTest(name = "mask block {0}")
    @ValueSource(ints = {1, 4, 8})
    void cachedChunkedForwardEqualsFullForward(int maskBlock) {
        ModelConfig config = ModelShapes.get("tiny");
        Backend b = new ScalarBackend();
        try (LlavaModel model = LlavaModel.load(b, config, new RandomWeightSource(config, 3))) {
            int n = 37, vocab = config.text().vocabSize(), h = config.text().hiddenSize();
            int[] ids = new int[n];
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < n; i++) {
                ids[i] = r.nextInt(vocab);
            }
            float[] full = model.fullLogits(ids, null, maskBlock);
            // Chunks aligned to the mask block (a chunk never splits a block), as the decoder uses it.
            Qwen2Model lm = model.lm();
            try (KvCache cache = lm.newCache(n)) {
                int pos = 0;
                while (pos < n) {
                    int len = Math.min(n - pos, maskBlock * (1 + pos % 3));
                    try (Tensor x = b.allocate(len * h)) {
                        lm.embed(x, 0, java.util.Arrays.copyOfRange(ids, pos, pos + len));
                        lm.forward(x, List.of(new Segment(cache, pos, len, maskBlock)));
                        int[] rows = new int[len];
                        for (int i = 0; i < len; i++) {
                            rows[i] = i;
                        }
                        float[] got = new float[len * vocab];
                        b.read(lm.logits(x, rows), 0, got, 0, got.length);
                        for (int i = 0; i < got.length; i++) {
                            assertEquals(full[pos * vocab + i], got[i], 1e-5f, "position " + (pos + i / vocab));
                        }
                    }
                    cache.commit(pos + len);
                    pos += len;
                }
            }
        }
    }
}
