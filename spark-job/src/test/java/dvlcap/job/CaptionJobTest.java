package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.schemas.CaptionsTableSchema;
import dvlcap.testing.BadImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job end to end in local mode, with a test captioner (Spark mechanics, not caption quality). */
class CaptionJobTest {

    @TempDir
    static Path shared;
    static Path images;
    static Map<String, BadImages.Expected> expected;
    static Path model;
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        spark = SparkTestSession.get();
        images = shared.resolve("images");
        expected = BadImages.write(images);
        Files.writeString(images.resolve("notes.txt"), "not picked up: no image extension");
        model = Files.createDirectories(shared.resolve("tiny-model"));
        Files.writeString(model.resolve("config.json"), "{}");
    }

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = JobCommand.run(spark, JobOptionsParser.parse(args), new PrintStream(out, true),
                new PrintStream(err, true));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run runOk(String... args) throws Exception {
        Run r = run(args);
        assertEquals(0, r.status(), r.err());
        return r;
    }

    String[] args(Path output, String... extra) {
        List<String> a = new ArrayList<>(List.of("--input", images.toString(), "--output", output.toString(),
                "--model", model.toString(), "--batch-size", "3", "--progress-seconds", "0"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    static Map<String, Row> captionsById(Path output) {
        List<Row> rows = spark.read().parquet(output.resolve("captions").toString()).collectAsList();
        Map<String, Row> byId = new TreeMap<>();
        for (Row r : rows) {
            assertNull(byId.put(r.getAs("id"), r), "duplicate row for " + r.getAs("id"));
        }
        return byId;
    }

    static String fileName(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    @Test
    void everyBadImageBecomesAnErrorRowWithTheDecodersMessage() throws Exception {
        Path out = dir.resolve("out");
        Run run = runOk(args(out));
        Map<String, Row> rows = captionsById(out);
        assertEquals(expected.size(), rows.size(), "one row per image file, none for notes.txt: " + rows.keySet());
        // the summary is followed by the first --show (default 10) rows by id, errors included
        String shown = run.out().substring(run.out().indexOf("captions (first 10 by id):"));
        List<String> firstIds = rows.keySet().stream().sorted().limit(10).toList();
        for (String id : firstIds) {
            assertTrue(shown.contains("    " + id + "\t"), id + " in " + shown);
        }
        assertEquals(firstIds.stream().filter(id -> "error".equals(rows.get(id).getAs("status"))).count(),
                shown.lines().filter(l -> l.contains("\tERROR: ")).count());
        for (Row r : rows.values()) {
            String name = fileName(r.getAs("id"));
            BadImages.Expected e = expected.get(name);
            assertNotNull(e, name);
            if (e.valid()) {
                assertEquals("ok", r.getAs("status"), name + ": " + r.getAs("error"));
                assertNull(r.getAs("error"));
                assertTrue(((String) r.getAs("caption")).startsWith("a " + e.width() + "x" + e.height()), name);
            } else {
                assertEquals("error", r.getAs("status"), name);
                assertNull(r.getAs("caption"), name);
                String error = ((String) r.getAs("error")).toLowerCase();
                assertTrue(error.contains(e.reason()), name + ": '" + error + "' lacks '" + e.reason() + "'");
            }
            assertEquals(r.<String>getAs("id"), r.<String>getAs("source"));
            assertEquals("tiny-model", r.<String>getAs("model"));
        }
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        assertTrue(Files.exists(out.resolve("captions/_SUCCESS")));
    }

    @Test
    void metricsRowCountsWhatTheCaptionsTableHolds() throws Exception {
        Path out = dir.resolve("out");
        Run r = runOk(args(out, "--decoder", "ar", "--threshold", "0.5"));
        List<Row> metrics = spark.read().parquet(out.resolve("metrics").toString()).collectAsList();
        assertEquals(1, metrics.size());
        Row m = metrics.get(0);
        long valid = expected.values().stream().filter(BadImages.Expected::valid).count();
        assertEquals(valid, m.<Long>getAs("images_ok"));
        assertEquals(expected.size() - valid, m.<Long>getAs("images_failed"));
        assertEquals(9 / 4.0, m.<Double>getAs("tokens_per_forward"), 1e-9, "9 words in 4 forwards each");
        assertEquals("ar", m.getAs("decoder"));
        assertEquals(0.5, m.<Double>getAs("threshold"));
        assertEquals("test-mean-colour", m.getAs("backend"), "the backend the executors ran, not the requested auto");
        assertEquals("sha256:mean-colour", m.getAs("model_hash"));
        assertNull(m.getAs("bleu4"), "no references, no scores");
        String runId = m.getAs("run_id");
        Map<String, Row> rows = captionsById(out);
        assertTrue(rows.values().stream().allMatch(c -> runId.equals(c.getAs("run_id"))));
        assertTrue(r.out().contains("run " + runId), r.out());
        assertTrue(Files.readString(out.resolve("_SUCCESS")).contains(runId));
    }

    @Test
    void retriedTaskYieldsIdenticalRowsAndNoDuplicates() throws Exception {
        Path clean = dir.resolve("clean");
        Path retried = dir.resolve("retried");
        runOk(args(clean, "--partitions", "3"));
        System.setProperty(PartitionCaptioner.FAIL_FIRST_ATTEMPT_PROPERTY, "1");
        try {
            runOk(args(retried, "--partitions", "3"));
        } finally {
            System.clearProperty(PartitionCaptioner.FAIL_FIRST_ATTEMPT_PROPERTY);
        }
        Map<String, Row> a = captionsById(clean);
        Map<String, Row> b = captionsById(retried);
        assertEquals(a.keySet(), b.keySet());
        for (String id : a.keySet()) {
            for (String col : List.of("caption", "status", "error", "tokens", "blocks", "forward_passes")) {
                assertEquals((Object) a.get(id).getAs(col), b.get(id).getAs(col), id + " " + col);
            }
        }
    }

    @Test
    void resumeCaptionsOnlyImagesNotYetInTheOutput() throws Exception {
        Path out = dir.resolve("out");
        runOk(args(out, "--limit", "5"));
        Map<String, Row> first = captionsById(out);
        assertEquals(5, first.size());
        runOk(args(out, "--resume"));
        Map<String, Row> all = captionsById(out); // asserts no duplicate ids
        assertEquals(expected.size(), all.size());
        for (String id : first.keySet()) {
            assertEquals((Object) first.get(id).getAs("run_id"), all.get(id).getAs("run_id"), "kept, not redone");
        }
        Set<String> runs = new HashSet<>();
        all.values().forEach(r -> runs.add(r.getAs("run_id")));
        assertEquals(2, runs.size());
        assertEquals(2, spark.read().parquet(out.resolve("metrics").toString()).count(), "one metrics row a run");
    }

    @Test
    void resumeAfterAKilledFirstRunCaptionsEverythingOnceAndIgnoresItsUncommittedFiles() throws Exception {
        // A driver killed before its job commit leaves only the committer's _temporary: one task
        // committed (task_*), one attempt still writing. Neither is part of the table.
        Path donor = dir.resolve("donor");
        runOk(args(donor, "--partitions", "2"));
        Path out = dir.resolve("out");
        Path jobAttempt = Files.createDirectories(out.resolve("captions/_temporary/0"));
        Path committedTask = Files.createDirectories(jobAttempt.resolve("task_202612020000000001_0001_m_000000"));
        Path runningAttempt = Files.createDirectories(
                jobAttempt.resolve("_temporary/attempt_202612020000000001_0001_m_000001_0"));
        List<Path> parts;
        try (var files = Files.list(donor.resolve("captions"))) {
            parts = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        Files.copy(parts.get(0), committedTask.resolve(parts.get(0).getFileName()));
        Files.copy(parts.get(parts.size() - 1), runningAttempt.resolve("part-x.parquet"));

        Run resumed = runOk(args(out, "--resume"));

        Map<String, Row> rows = captionsById(out); // asserts no duplicate ids
        assertEquals(expected.size(), rows.size(), resumed.out());
        Set<String> runs = new HashSet<>();
        rows.values().forEach(r -> runs.add(r.getAs("run_id")));
        assertEquals(1, runs.size(), "every row from the resumed run, none from the dead one: " + runs);
        assertFalse(Files.exists(out.resolve("captions/_temporary")));
    }

    @Test
    void existingOutputWithoutResumeIsRefusedAndLeftAlone() throws Exception {
        Path out = dir.resolve("out");
        runOk(args(out, "--limit", "2"));
        Run again = run(args(out));
        assertEquals(2, again.status());
        assertTrue(again.err().contains("--resume"), again.err());
        assertEquals(2, captionsById(out).size());
    }

    @Test
    void missingInputOrModelIsAUsageErrorNamingIt() throws Exception {
        Run noInput = run("--input", dir.resolve("nowhere").toString(), "--output", dir.resolve("o1").toString(),
                "--model", model.toString());
        assertEquals(2, noInput.status());
        assertTrue(noInput.err().contains("nowhere does not exist"), noInput.err());
        Run noModel = run("--input", images.toString(), "--output", dir.resolve("o2").toString(), "--model",
                dir.toString());
        assertEquals(2, noModel.status());
        assertTrue(noModel.err().contains("no config.json"), noModel.err());
    }

    @Test
    void oneCaptionerPerJvmIsSharedByAllTasksAndRuns() throws Exception {
        runOk(args(dir.resolve("a"), "--partitions", "4", "--seed", "77"));
        int opened = MeanColourCaptionerFactory.OPENED.get();
        runOk(args(dir.resolve("b"), "--partitions", "4", "--seed", "77"));
        assertEquals(opened, MeanColourCaptionerFactory.OPENED.get(), "same settings: no second load");
    }

    @Test
    void parquetInputInImg2datasetLayoutIsCaptioned() throws Exception {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("key", DataTypes.StringType, false),
                DataTypes.createStructField("url", DataTypes.StringType, true),
                DataTypes.createStructField("jpg", DataTypes.BinaryType, true)));
        List<Row> rows = new ArrayList<>();
        rows.add(RowFactory.create("000000001", "http://example.invalid/a.png",
                Files.readAllBytes(images.resolve("valid.png"))));
        rows.add(RowFactory.create("000000002", "http://example.invalid/b.jpg",
                Files.readAllBytes(images.resolve("truncated.jpg"))));
        rows.add(RowFactory.create("000000003", "http://example.invalid/c.jpg", null)); // failed download
        Path table = dir.resolve("shard.parquet");
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());
        Path out = dir.resolve("out");
        runOk("--input", table.toString(), "--image-column", "jpg", "--output", out.toString(), "--model",
                model.toString(), "--progress-seconds", "0");
        Map<String, Row> got = captionsById(out);
        assertEquals(Set.of("000000001", "000000002", "000000003"), got.keySet());
        assertEquals("ok", got.get("000000001").getAs("status"));
        assertEquals("http://example.invalid/a.png", got.get("000000001").getAs("source"));
        assertEquals("error", got.get("000000002").getAs("status"));
        assertTrue(((String) got.get("000000003").getAs("error")).contains("no image bytes"));
    }

    @Test
    void referencesAddQualityScoresToTheMetrics() throws Exception {
        Map<String, Row> seen = new HashMap<>();
        Path out = dir.resolve("out");
        Path manifest = images.resolve("manifest.jsonl");
        Files.writeString(manifest, "{\"id\":\"v1\",\"file\":\"valid.png\",\"caption\":\"a 24x16 image of mean colour "
                + "0.75 0.50 0.50\",\"references\":[\"a 24x16 image of mean colour 0.75 0.50 0.50\"]}\n"
                + "{\"id\":\"v2\",\"file\":\"gray.png\",\"caption\":\"a gray picture\"}\n");
        try {
            runOk(args(out, "--references", manifest.toString()));
        } finally {
            Files.delete(manifest);
        }
        Row m = spark.read().parquet(out.resolve("metrics").toString()).first();
        assertEquals(2L, m.<Long>getAs("scored"));
        assertNotNull(m.getAs("bleu4"));
        assertNotNull(m.getAs("cider_d"));
        assertFalse(((Double) m.getAs("rouge_l")).isNaN());
        captionsById(out).forEach(seen::put);
        assertEquals(expected.size(), seen.size());
    }
}
