package dvlcap.engine;

import dvlcap.decode.DecodingSettings;
import dvlcap.model.ModelIdentity;
import dvlcap.testing.TinyCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an engine says made its captions: the settings it runs with and which checkpoint it is. */
class CaptionProvenanceTest {

    @Test
    void recordsEffectiveSettingsNotTheModelDefaultRequest(@TempDir Path tmp) {
        Path model = TinyCheckpoints.write(tmp.resolve("tiny"), TinyCheckpoints.Spec.tiny(3));
        EngineOptions requested = new EngineOptions(DecodingSettings.defaults(), 4, "cpu"); // block size 0 = model's
        try (CaptionEngine engine = CaptionEngine.load(model, requested)) {
            CaptionProvenance p = engine.provenance();
            assertEquals(engine.config().decoding().blockSize(), p.blockSize());
            assertTrue(p.blockSize() > 0 && p.steps() == p.blockSize(), "block " + p.blockSize() + " steps " + p.steps());
            assertEquals(engine.backendName(), p.backend(), "the backend taken, not 'auto' or 'cpu'");
            assertEquals(0.85, p.threshold(), "the threshold as written, not 0.8500000238");
            assertEquals("block", p.decoder());
            assertEquals("dynamic", p.remasking());
            assertEquals("tiny", p.model().name());
            assertTrue(p.model().hash().matches("sha256:[0-9a-f]{64}"), p.model().hash());
            assertTrue(!p.dvlcapVersion().isBlank() && !p.dvlcapVersion().startsWith("${"), p.dvlcapVersion());
        }
    }

    @Test
    void theModelHashFollowsConfigAndWeightsLayoutNotTheDirectory(@TempDir Path tmp) throws Exception {
        Path a = TinyCheckpoints.write(tmp.resolve("a"), TinyCheckpoints.Spec.tiny(3));
        Path b = TinyCheckpoints.write(tmp.resolve("b"), TinyCheckpoints.Spec.tiny(3));
        assertEquals(ModelIdentity.of(a).hash(), ModelIdentity.of(b).hash(), "two copies of one checkpoint");
        Path config = b.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("{", "{\"note\": 1, "));
        assertNotEquals(ModelIdentity.of(a).hash(), ModelIdentity.of(b).hash(), "a changed config.json");
    }
}
