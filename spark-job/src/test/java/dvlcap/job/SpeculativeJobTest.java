package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.schemas.MetricsTableSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with Fast-dVLM's speculative decoder on the shipped {@code shapes-fast-dvlm}: its captions
 * are the same model's AR greedy captions, and rows and metrics record the tokens accepted per
 * verify step (which AR rows leave null).
 */
class SpeculativeJobTest {

    private static final Path MODEL = Path.of("..", "models", "shapes-fast-dvlm"); // tests run in the module
    private static final Path IMAGES = Path.of("..", "examples", "images");

    @TempDir
    Path dir;

    private Map<String, Row> caption(Path out, String decoder, String batch) throws Exception {
        CaptionJobTest.spark = SparkTestSession.get();
        CaptionJobTest.runOk("--input", IMAGES.toString(), "--output", out.toString(), "--model", MODEL.toString(),
                "--backend", "cpu", "--decoder", decoder, "--batch-size", batch, "--progress-seconds", "0",
                "--conf", CaptionJob.FACTORY_CONF + "=" + EngineSpec.ENGINE_FACTORY);
        return CaptionJobTest.captionsById(out);
    }

    private static Row metrics(Path out) {
        List<Row> rows = CaptionJobTest.spark.read().parquet(out.resolve("metrics").toString()).collectAsList();
        assertEquals(1, rows.size());
        return rows.get(0);
    }

    @Test
    void speculativeRowsEqualArCaptionsAndRecordTokensPerVerify() throws Exception {
        Map<String, Row> ar = caption(dir.resolve("ar"), "ar", "3");
        Map<String, Row> spec = caption(dir.resolve("spec"), "speculative", "3");
        assertEquals(ar.keySet(), spec.keySet());
        long tokensAfterPrefill = 0, verifies = 0;
        for (String id : ar.keySet()) {
            Row a = ar.get(id), s = spec.get(id);
            assertEquals("ok", s.getAs("status"), id + " " + s.getAs("error"));
            assertEquals(a.<String>getAs("caption"), s.<String>getAs("caption"), id);
            assertEquals(a.<Integer>getAs("tokens"), s.<Integer>getAs("tokens"), id);
            assertEquals("speculative", s.getAs("decoder"));
            assertNull(a.getAs("tokens_per_verify"), "AR has no verify step");
            int tokens = s.getAs("tokens"), blocks = s.getAs("blocks");
            assertTrue(blocks > 0, id);
            assertEquals((tokens - 1) / (double) blocks, s.<Double>getAs("tokens_per_verify"), 1e-12, id);
            // A verify step accepts the agreeing prefix plus one correction: fewer forwards than AR.
            assertTrue(s.<Integer>getAs("forward_passes") < a.<Integer>getAs("forward_passes"), id);
            tokensAfterPrefill += tokens - 1;
            verifies += blocks;
        }
        Row m = metrics(dir.resolve("spec"));
        assertEquals(tokensAfterPrefill / (double) verifies, m.<Double>getAs(MetricsTableSchema.TOKENS_PER_VERIFY),
                1e-12);
        assertTrue(m.<Double>getAs(MetricsTableSchema.TOKENS_PER_VERIFY) > 2, "the shipped model accepts long prefixes");
        assertNull(metrics(dir.resolve("ar")).getAs(MetricsTableSchema.TOKENS_PER_VERIFY));
    }

    @Test
    void speculativeCaptionsDoNotDependOnBatchSize() throws Exception {
        Map<String, Row> one = caption(dir.resolve("b1"), "speculative", "1");
        Map<String, Row> eight = caption(dir.resolve("b8"), "speculative", "8");
        assertEquals(one.keySet(), eight.keySet());
        for (String id : one.keySet()) {
            assertNotNull(one.get(id).getAs("caption"), id);
            assertEquals(one.get(id).<String>getAs("caption"), eight.get(id).<String>getAs("caption"), id);
        }
    }
}
