package dvlcap.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.VectorBackend;
import dvlcap.model.DType;
import dvlcap.model.HalfFloats;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelDirectory;
import dvlcap.model.WeightSource;
import dvlcap.nn.InputRows;
import dvlcap.nn.LlavaModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A random shape written as a model directory loads like a release and holds the source's weights. */
class RandomCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void tinyShapeWrittenInBf16OpensAndHoldsTheRandomSourceRoundedToBf16() {
        ModelConfig config = ModelShapes.get("tiny");
        RandomCheckpoint.Written w = RandomCheckpoint.write(tmp.resolve("m"), config, DType.BF16, 4);
        assertEquals(1, w.files());
        RandomWeightSource source = new RandomWeightSource(config, 4);
        try (ModelDirectory files = ModelDirectory.open(w.dir())) {
            assertEquals(config.text(), files.config().text());
            assertEquals(config.decoding().maskTokenId(), files.config().decoding().maskTokenId());
            assertEquals(config.decoding().eosTokenIds(), files.config().decoding().eosTokenIds());
            WeightSource weights = files.weights();
            assertEquals(source.names(), weights.names());
            long bytes = 0;
            for (String name : source.names()) {
                long[] shape = source.shape(name);
                float[] want = source.floats(name, shape);
                for (int i = 0; i < want.length; i++) {
                    want[i] = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(want[i]));
                }
                assertArrayEquals(want, weights.floats(name, shape), 0f, name);
                assertEquals(DType.BF16, weights.stored(name, shape).dtype(), name);
                bytes += 2L * want.length;
            }
            assertEquals(bytes, w.bytes());
            // the prompt encodes with the chat specials at the config's ids, and the model runs
            var prompt = files.captionPrompt().tokens();
            assertTrue(prompt.before().length > 3 && prompt.before()[0] == config.decoding().eosTokenIds().get(0) - 1,
                    "prompt starts with <|im_start|>");
            try (LlavaModel m = LlavaModel.load(new VectorBackend(), files.config(), weights)) {
                int[] ids = InputRows.prompt(prompt, 0);
                float[] logits = m.fullLogits(ids, null, 1);
                assertEquals(ids.length * config.text().vocabSize(), logits.length);
                for (float f : logits) {
                    assertTrue(Float.isFinite(f));
                }
            }
        }
    }

    @Test
    void procStatusIsParsedIntoPeakAnonymousAndFileBackedMemory() {
        var m = ProcessMemory.parse(List.of("Name:\tjava", "VmHWM:\t  2048 kB", "VmRSS:\t 1536 kB",
                "RssAnon:\t 1024 kB", "RssFile:\t 512 kB", "RssShmem:\t 0 kB")).orElseThrow();
        assertEquals(new ProcessMemory(2048, 1536, 1024, 512), m);
        assertTrue(m.describe().contains("peak RSS (VmHWM) 2 MiB"), m.describe());
        assertTrue(ProcessMemory.parse(List.of("Name:\tjava")).isEmpty());
    }
}
