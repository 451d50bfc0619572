package dvlcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.testing.BadImages;
import dvlcap.testing.TinyCheckpoints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with input, model and output on {@code hdfs://}: a name node and a data node of Hadoop's
 * mini cluster in this JVM, the job run as the command line would (a first run of 10 images, then
 * {@code --resume} for the rest), and the tables read back from HDFS.
 */
class HdfsCaptionJobTest {

    @TempDir
    Path dir;

    @Test
    void jobReadsImagesAndModelFromHdfsAndWritesAndResumesItsTablesThere() throws Exception {
        Path images = dir.resolve("images");
        Map<String, BadImages.Expected> expected = BadImages.write(images);
        Path model = TinyCheckpoints.write(dir.resolve("tiny-bd"), TinyCheckpoints.Spec.tiny(13));
        Configuration conf = new Configuration();
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, dir.resolve("dfs").toFile()).numDataNodes(1).build();
        try {
            cluster.waitActive();
            String hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
            FileSystem fs = cluster.getFileSystem();
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(images.toUri()),
                    new org.apache.hadoop.fs.Path("/corpus/images"));
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(model.toUri()),
                    new org.apache.hadoop.fs.Path("/models/tiny-bd"));

            String first = runJob(hdfs, dir.resolve("cache"), "--limit", "10");
            assertTrue(first.contains(" images captioned, "), first);
            String second = runJob(hdfs, dir.resolve("cache"), "--resume", "--report");
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/results/run1/_SUCCESS")), "marker on HDFS");
            // --report writes the page beside the tables on HDFS, over both runs: a card per captioned image.
            assertTrue(second.contains("report: " + hdfs + "/results/run1/report.html"), second);
            String page;
            try (var in = fs.open(new org.apache.hadoop.fs.Path("/results/run1/report.html"))) {
                page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertEquals(expected.values().stream().filter(BadImages.Expected::valid).count(),
                    page.split("<div class=\"card\">", -1).length - 1L, "gallery cards on the HDFS page");

            SparkSession spark = StoreJob.reader("dvlcap-hdfs-check", List.of());
            try {
                List<Row> rows = spark.read().parquet(hdfs + "/results/run1/captions").collectAsList();
                assertEquals(expected.size(), rows.size());
                Map<String, Row> byName = new HashMap<>();
                for (Row r : rows) {
                    String id = r.getAs("id");
                    assertTrue(id.startsWith(hdfs + "/corpus/images/"), id);
                    assertNull(byName.put(id.substring(id.lastIndexOf('/') + 1), r), "duplicate " + id);
                }
                for (Map.Entry<String, BadImages.Expected> e : expected.entrySet()) {
                    Row r = byName.get(e.getKey());
                    assertNotNull(r, e.getKey());
                    assertEquals(e.getValue().valid() ? "ok" : "error", r.getAs("status"),
                            e.getKey() + ": " + r.getAs("error"));
                    assertEquals("tiny-bd", r.<String>getAs("model"));
                }
                List<Row> metrics = spark.read().parquet(hdfs + "/results/run1/metrics").collectAsList();
                assertEquals(2, metrics.size(), "one metrics row per run");
                assertEquals(expected.size(), metrics.stream().mapToLong(m -> m.<Long>getAs("images_ok")
                        + m.<Long>getAs("images_failed")).sum());
            } finally {
                spark.stop();
            }
        } finally {
            cluster.shutdown();
        }
    }

    /** Runs {@code dvlcap job} as the command line would, in a session of its own; returns its stdout. */
    private static String runJob(String hdfs, Path cache, String... extra) {
        List<String> args = StoreJob.args(hdfs + "/corpus/images", hdfs + "/models/tiny-bd", cache,
                hdfs + "/results/run1", 0);
        args.addAll(List.of(extra));
        return StoreJob.runOk(args);
    }
}
