package dvlcap.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.VectorBackend;
import dvlcap.model.ModelConfig;
import dvlcap.nn.Qwen2Model;
import org.junit.jupiter.api.Test;

class ForwardTimerTest {
    /**
     * The bytes behind {@code bench --read-share}'s gb_per_s, counted by hand for the tiny shape
     * (hidden 64, intermediate 128, 2 layers, 4 heads and 2 kv heads of 16, vocabulary 128, an
     * lm_head of its own), float32 weights.
     */
    @Test
    void bytesReadAreEveryMatmulWeightAndEverySequencesWholeCache() {
        ModelConfig config = ModelShapes.get("tiny");
        try (VectorBackend b = new VectorBackend();
             Qwen2Model lm = Qwen2Model.load(b, config.text(), new RandomWeightSource(config, 1));
             ForwardTimer timer = new ForwardTimer(b, lm, 10, 2, 3)) {
            long perLayer = 64 * 64 + 2 * (64 * 32) + 64 * 64 + 3 * (64 * 128);
            long weights = (2 * perLayer + 128 * 64) * Float.BYTES;
            long kv = 2L * (10 + 3) * 2 * 2 * 32 * Float.BYTES; // sequences x positions x layers x (K, V) x kv width
            assertEquals(weights, lm.matmulWeightBytes());
            assertEquals(weights + kv, timer.bytesRead());
            assertTrue(timer.forwardMs() > 0);
        }
    }
}
