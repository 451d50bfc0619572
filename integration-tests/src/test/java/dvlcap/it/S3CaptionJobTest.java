package dvlcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.testing.BadImages;
import dvlcap.testing.TinyCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end against a real S3 server on loopback: images and model read from s3a://,
 * both tables and the marker written to s3a://, and a resumed run appending the rest, through the
 * {@code dvlcap job} command itself.
 */
class S3CaptionJobTest {

    @TempDir
    Path dir;

    @Test
    void jobReadsImagesAndModelFromS3AndWritesAndResumesItsTablesThere() throws Exception {
        Path images = dir.resolve("images");
        Map<String, BadImages.Expected> expected = BadImages.write(images);
        Path model = TinyCheckpoints.write(dir.resolve("tiny-bd"), TinyCheckpoints.Spec.tiny(11));
        Path cache = dir.resolve("model-cache");
        try (LoopbackS3 s3 = new LoopbackS3()) {
            s3.createBucket("corpus");
            s3.createBucket("models");
            s3.createBucket("results");
            s3.upload(images, "corpus", "shapes/images");
            s3.upload(model, "models", "tiny-bd");

            // A first run captions 10 images, a resumed run the other 6: both read and append on S3.
            runJob(s3, cache, "--limit", "10");
            runJob(s3, cache, "--resume");

            // The model was copied once into the local cache, completely, and nothing partial is left.
            try (Stream<Path> cached = Files.list(cache)) {
                List<Path> dirs = cached.toList();
                assertEquals(1, dirs.size(), dirs.toString());
                assertTrue(Files.exists(dirs.get(0).resolve("tiny-bd/config.json")));
                assertTrue(Files.exists(dirs.get(0).resolve("tiny-bd/model.safetensors")));
            }
            assertNotNull(s3.blobs().getBlob("results", "run1/_SUCCESS"), "marker written to S3");

            SparkSession spark = StoreJob.reader("dvlcap-s3-check", s3.sparkConf());
            try {
                List<Row> rows = spark.read().parquet("s3a://results/run1/captions").collectAsList();
                assertEquals(expected.size(), rows.size());
                Map<String, Row> byName = new HashMap<>();
                for (Row r : rows) {
                    String id = r.getAs("id");
                    assertTrue(id.startsWith("s3a://corpus/shapes/images/"), id);
                    assertNull(byName.put(id.substring(id.lastIndexOf('/') + 1), r), "duplicate " + id);
                }
                for (Map.Entry<String, BadImages.Expected> e : expected.entrySet()) {
                    Row r = byName.get(e.getKey());
                    assertNotNull(r, e.getKey());
                    assertEquals(e.getValue().valid() ? "ok" : "error", r.getAs("status"),
                            e.getKey() + ": " + r.getAs("error"));
                    assertEquals("tiny-bd", r.<String>getAs("model"));
                }
                List<Row> metrics = spark.read().parquet("s3a://results/run1/metrics").collectAsList();
                assertEquals(2, metrics.size(), "one metrics row per run");
                long valid = expected.values().stream().filter(BadImages.Expected::valid).count();
                assertEquals(valid, metrics.stream().mapToLong(m -> m.<Long>getAs("images_ok")).sum());
                assertEquals(expected.size() - valid, metrics.stream().mapToLong(m -> m.<Long>getAs("images_failed"))
                        .sum());
                assertEquals(10 + 6, metrics.stream().mapToLong(m -> m.<Long>getAs("images_ok")
                        + m.<Long>getAs("images_failed")).sum());
            } finally {
                spark.stop();
            }
        }
    }

    /** Runs {@code dvlcap job} as the command line would, in a session of its own; returns its stdout. */
    private static String runJob(LoopbackS3 s3, Path cache, String... extra) {
        List<String> args = StoreJob.args("s3a://corpus/shapes/images", "s3a://models/tiny-bd", cache,
                "s3a://results/run1", 1);
        args.addAll(List.of(extra));
        args.addAll(s3.sparkConf());
        String stdout = StoreJob.runOk(args);
        assertTrue(stdout.contains("images captioned"), stdout);
        return stdout;
    }
}
