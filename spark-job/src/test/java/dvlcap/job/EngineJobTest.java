package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.testing.BadImages;
import dvlcap.testing.TinyCheckpoints;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job with the real engine on a random tiny checkpoint (CPU backend). */
class EngineJobTest {

    @TempDir
    static Path dir;
    static Path images;
    static Map<String, BadImages.Expected> expected;
    static Path model;

    @BeforeAll
    static void setUp() {
        images = dir.resolve("images");
        expected = BadImages.write(images);
        model = TinyCheckpoints.write(dir.resolve("tiny-bd"), TinyCheckpoints.Spec.tiny(7));
    }

    static Map<String, Row> caption(Path out, String... extra) throws Exception {
        String[] base = {"--input", images.toString(), "--output", out.toString(), "--model", model.toString(),
                "--backend", "cpu", "--max-new-tokens", "8", "--progress-seconds", "0",
                "--conf", CaptionJob.FACTORY_CONF + "=" + EngineSpec.ENGINE_FACTORY};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CaptionJobTest.spark = SparkTestSession.get();
        CaptionJobTest.runOk(args);
        return CaptionJobTest.captionsById(out);
    }

    @Test
    void engineCaptionsGoodImagesAndReportsBadOnes() throws Exception {
        Map<String, Row> rows = caption(dir.resolve("out"), "--batch-size", "4");
        assertEquals(expected.size(), rows.size());
        for (Row r : rows.values()) {
            BadImages.Expected e = expected.get(CaptionJobTest.fileName(r.getAs("id")));
            assertEquals(e.valid() ? "ok" : "error", r.getAs("status"), r.<String>getAs("id") + " " + r.getAs("error"));
            assertEquals("tiny-bd", r.<String>getAs("model"));
            if (e.valid()) {
                assertNotNull(r.getAs("caption"));
                assertTrue(r.<Integer>getAs("forward_passes") > 0);
                assertTrue(r.<Integer>getAs("tokens") <= 8);
            }
        }
    }

    @Test
    void greedyCaptionsDoNotDependOnPartitioningOrBatchSize() throws Exception {
        Map<String, Row> a = caption(dir.resolve("a"), "--partitions", "1", "--batch-size", "16");
        Map<String, Row> b = caption(dir.resolve("b"), "--partitions", "3", "--batch-size", "2");
        assertEquals(a.keySet(), b.keySet());
        boolean anyText = false;
        for (String id : a.keySet()) {
            assertEquals(a.get(id).<String>getAs("caption"), b.get(id).<String>getAs("caption"), id);
            assertEquals(a.get(id).<Integer>getAs("tokens"), b.get(id).<Integer>getAs("tokens"), id);
            String c = a.get(id).getAs("caption");
            anyText |= c != null && !c.isEmpty();
        }
        assertTrue(anyText, "a random tiny model still says something");
        assertFalse(a.isEmpty());
    }
}
