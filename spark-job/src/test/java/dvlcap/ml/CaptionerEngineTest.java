package dvlcap.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dvlcap.job.CaptionJob;
import dvlcap.job.EngineHolder;
import dvlcap.job.EngineSpec;
import dvlcap.job.JobOptionsParser;
import dvlcap.job.SparkTestSession;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The captioner with the real engine and the embedded model on the example images: the job's
 * captions from both column kinds, through the engine the job loaded (no second load).
 */
class CaptionerEngineTest {

    static final Path MODEL = Path.of("..", "models", "shapes-dvlm"); // tests run in the module directory
    /** Four of the eight example images: enough for two batches of the job and the transformer. */
    static final String IMAGES = Path.of("..", "examples", "images").toString() + "/example-00000[0-3].png";

    @TempDir
    Path dir;

    @Test
    void bytesAndImageStructsGiveTheJobsCaptionsOnTheJobsEngine() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path out = dir.resolve("job");
        // A short bound keeps the test cheap; captions are compared whole, up to it.
        new CaptionJob(spark, JobOptionsParser.parse("--input", IMAGES, "--output", out.toString(),
                "--model", MODEL.toString(), "--backend", "cpu", "--max-new-tokens", "12", "--batch-size", "2",
                "--progress-seconds", "0", "--conf", CaptionJob.FACTORY_CONF + "=" + EngineSpec.ENGINE_FACTORY)).run();
        Map<String, Row> job = CaptionerTest.byKey(spark.read().parquet(out.resolve("captions").toString()),
                r -> CaptionerTest.fileName(r.getAs("id")));
        int engines = EngineHolder.loaded();

        String before = spark.conf().get(CaptionJob.FACTORY_CONF);
        spark.conf().set(CaptionJob.FACTORY_CONF, EngineSpec.ENGINE_FACTORY);
        Map<String, Row> fromBytes;
        Map<String, Row> fromStructs;
        try {
            Captioner captioner = new Captioner().setModelPath(MODEL.toString()).setBackend("cpu")
                    .setMaxNewTokens(12).setBatchSize(2);
            fromBytes = CaptionerTest.byKey(captioner.setInputCol("content").transform(
                    spark.read().format("binaryFile").load(IMAGES)),
                    r -> CaptionerTest.fileName(r.getAs("path")));
            fromStructs = CaptionerTest.byKey(captioner.setInputCol("image").transform(
                    spark.read().format("image").load(IMAGES)),
                    r -> CaptionerTest.fileName(r.<Row>getAs("image").getAs("origin")));
        } finally {
            spark.conf().set(CaptionJob.FACTORY_CONF, before);
        }
        assertEquals(engines, EngineHolder.loaded(), "the transformer reuses the engine the job loaded");

        assertEquals(4, job.size());
        assertEquals(job.keySet(), fromBytes.keySet());
        assertEquals(job.keySet(), fromStructs.keySet());
        for (String name : job.keySet()) {
            String caption = job.get(name).getAs("caption");
            assertFalse(caption == null || caption.isBlank(), name + ": " + job.get(name).getAs("error"));
            assertEquals(caption, fromBytes.get(name).getAs("caption"), name + " from bytes");
            assertEquals(caption, fromStructs.get(name).getAs("caption"), name + " from the image struct");
            assertEquals(job.get(name).<Integer>getAs("forward_passes"), fromStructs.get(name).<Integer>getAs("forwards"),
                    name);
        }
    }
}
