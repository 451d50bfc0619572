package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dvlcap.backend.BackendRequest;
import dvlcap.decode.DecodingSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/** Executors get the settings by Java serialisation (Spark's closure serializer): nothing may be lost on the way. */
class SettingsSerializationTest {

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    /** Every decoding field set away from its default, so a field dropped or swapped would show. */
    private static JobOptions options() throws UsageException {
        return JobOptionsParserTest.parse("--decoder", "speculative", "--block-size", "8", "--steps=5", "--remasking",
                "static", "--threshold", "0.6", "--max-new-tokens", "40", "--temperature=0.3", "--top-k", "7",
                "--top-p", "0.8", "--seed", "-11", "--sub-block", "4", "--backend=scalar", "--kv-budget", "0.25",
                "--batch-size", "5", "--conf", "spark.a=b");
    }

    @Test
    void decodingSettingsSurviveInsideJobOptions() throws Exception {
        JobOptions o = options();
        JobOptions back = roundTrip(o);
        assertNotSame(o.decoding(), back.decoding());
        assertEquals(o.decoding(), back.decoding());
        assertEquals(new DecodingSettings(dvlcap.decode.DecoderKind.SPECULATIVE, 8, 5, dvlcap.decode.RemaskingKind.STATIC,
                0.6f, 40, 0.3f, 7, 0.8f, -11L, 4), back.decoding());
        assertEquals(o, back);
    }

    @Test
    void decodingSettingsSurviveInsideEngineSpec() throws Exception {
        EngineSpec spec = EngineSpec.of(options(), EngineSpec.ENGINE_FACTORY);
        EngineSpec back = roundTrip(spec);
        assertEquals(spec, back);
        assertEquals(options().decoding(), back.settings());
        assertEquals("scalar", back.backend().name());
        assertEquals(5, back.maxBatch());
    }

    @Test
    void backendRequestSurvivesWithItsDeviceAndLimits() throws Exception {
        BackendRequest r = BackendRequest.of("cuda").onDevice(2).withMemoryLimit(1L << 30);
        assertEquals(r, roundTrip(r));
        BackendRequest cpu = BackendRequest.of("cpu").withHeapWeights(3L << 30);
        assertEquals(3L << 30, roundTrip(cpu).heapWeightBytes());
    }
}
