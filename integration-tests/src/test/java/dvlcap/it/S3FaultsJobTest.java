package dvlcap.it;

import static dvlcap.it.FaultyS3Proxy.Rule.delay;
import static dvlcap.it.FaultyS3Proxy.Rule.resetAfter;
import static dvlcap.it.FaultyS3Proxy.Rule.slowDown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.it.FaultyS3Proxy.Kind;
import dvlcap.it.FaultyS3Proxy.Rule;
import dvlcap.job.EngineHolder;
import dvlcap.testing.BadImages;
import dvlcap.testing.TinyCheckpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against an S3 that fails: a {@link FaultyS3Proxy} between the S3A client and S3Proxy
 * injects 503 SlowDown, mid-body connection resets and slow responses on the listing, the image
 * reads, the model's reads and the output commit. Transient faults must cost nothing (every image
 * once, the captions of a clean run); a permanent one must fail the run naming the path, and
 * {@code --resume} must then complete it.
 */
class S3FaultsJobTest {

    private static final Path TEMPLATE = Path.of("..", "conf", "spark-defaults.conf.template");

    @TempDir
    Path dir;

    private Map<String, BadImages.Expected> expected;
    private LoopbackS3 s3;
    private FaultyS3Proxy proxy;

    @BeforeEach
    void startStore() throws Exception {
        expected = BadImages.write(dir.resolve("images"));
        Path model = TinyCheckpoints.write(dir.resolve("tiny-bd"), TinyCheckpoints.Spec.tiny(11));
        s3 = new LoopbackS3();
        s3.createBucket("corpus");
        s3.createBucket("models");
        s3.createBucket("results");
        s3.upload(dir.resolve("images"), "corpus", "shapes/images");
        s3.upload(model, "models", "tiny-bd");
        proxy = new FaultyS3Proxy(Integer.parseInt(s3.endpoint().substring(s3.endpoint().lastIndexOf(':') + 1)));
    }

    @AfterEach
    void stopStore() throws Exception {
        closeCachedFileSystems();
        proxy.close();
        s3.close();
        EngineHolder.closeAll();
    }

    /**
     * One story, so that its runs serve twice (each job run costs ~10-20 s here): a run whose
     * output refuses every PUT fails naming the key; resumed without the fault it completes (a
     * clean run: nothing of the failed run was committed), and its captions are the reference. A
     * run with one image always throttled fails naming the image; resumed through transient faults
     * on every kind of request the job makes, it completes with the reference's captions.
     */
    @Test
    void permanentFaultsFailTheRunNamingTheObjectAndResumesThroughTransientFaultsLoseNothingAndChangeNoCaption() throws Exception {
        // Permanent: retries kept short in this run's own settings, since a permanent fault exhausts
        // them all and the template's (20 throttle retries with exponential back-off from 500 ms,
        // each after 5 SDK attempts) would take many minutes to give up.
        List<String> fastRetries = List.of("--conf", "spark.hadoop.fs.s3a.attempts.maximum=1",
                "--conf", "spark.hadoop.fs.s3a.retry.limit=1", "--conf", "spark.hadoop.fs.s3a.retry.interval=10ms",
                "--conf", "spark.hadoop.fs.s3a.retry.throttle.limit=1",
                "--conf", "spark.hadoop.fs.s3a.retry.throttle.interval=10ms");
        Rule refuse = proxy.add(slowDown("PUT", "^/results/run-refused/captions/", Integer.MAX_VALUE));
        StoreJob.Run refused = runJob("run-refused", "cache-refused", fastRetries);
        assertEquals(1, refused.status(), refused.err());
        assertTrue(refuse.fired.get() > 0, refuse.toString());
        // S3A names the operation and the key: "PUT 0-byte object on run-refused/captions/_temporary/0".
        assertTrue(refused.err().contains("on run-refused/captions/"), refused.err());
        assertNull(s3.blobs().getBlob("results", "run-refused/_SUCCESS"));
        proxy.clearRules();
        StoreJob.Run resumed = runJob("run-refused", "cache-refused", fastRetries, "--resume");
        assertEquals(0, resumed.status(), resumed.err());
        Map<String, Row> reference = captions("run-refused");
        assertEquals(expected.keySet(), reference.keySet(), "every image exactly once");
        for (Map.Entry<String, BadImages.Expected> e : expected.entrySet()) {
            assertEquals(e.getValue().valid() ? "ok" : "error", reference.get(e.getKey()).getAs("status"), e.getKey());
        }
        assertNotNull(s3.blobs().getBlob("results", "run-refused/_SUCCESS"));
        String failedLine = refused.err().lines().filter(l -> l.startsWith("dvlcap job failed")).findFirst().orElse("");
        record(String.format("permanent: %d SlowDown on PUT results/run-refused/captions/*, exit 1: %.160s%n"
                + "  resumed without the fault: rows %d of %d, lost 0, duplicates 0%n", refuse.fired.get(), failedLine,
                reference.size(), expected.size()));

        // Permanent, on a read: one good image always answers 503. The run fails naming it; as an
        // error row it would be skipped by every --resume.
        String name = expected.entrySet().stream().filter(e -> e.getValue().valid()).map(Map.Entry::getKey).sorted()
                .findFirst().orElseThrow();
        Rule throttled = proxy.add(slowDown("GET", "^/corpus/shapes/images/" + Pattern.quote(name) + "$",
                Integer.MAX_VALUE));
        StoreJob.Run failedRead = runJob("run-faulty", "cache-first", fastRetries);
        assertEquals(1, failedRead.status(), failedRead.err());
        assertTrue(throttled.fired.get() > 0, throttled.toString());
        assertTrue(failedRead.err().contains("cannot read s3a://corpus/shapes/images/" + name), failedRead.err());
        assertNull(s3.blobs().getBlob("results", "run-faulty/_SUCCESS"));
        proxy.clearRules();
        String readLine = failedRead.err().lines().filter(l -> l.startsWith("dvlcap job failed")).findFirst().orElse("");
        record(String.format("permanent read: %d SlowDown on GET %s, exit 1: %.200s%n", throttled.fired.get(), name,
                readLine));

        // Transient, with the template's retry settings, resuming the run that failed. A fresh engine
        // and model cache, so that the model is copied and loaded again through the faults.
        List<String> retries = templateRetrySettings();
        assertFalse(retries.isEmpty(), "the template sets the S3A retry settings");
        EngineHolder.closeAll();
        int requestsBefore = proxy.requests();
        List<Rule> rules = List.of(
                proxy.add(slowDown("GET", "^/corpus/?\\?(.*&)?list-type=2", 2)),
                proxy.add(delay("GET", "^/corpus/?\\?(.*&)?list-type=2", 300, 1)),
                proxy.add(slowDown("GET", "^/corpus/shapes/images/[^?]+$", 3)),
                proxy.add(resetAfter("GET", "^/corpus/shapes/images/[^?]+$", 10, 2)),
                proxy.add(delay("GET", "^/corpus/shapes/images/[^?]+$", 300, 2)),
                proxy.add(slowDown("GET", "^/models/tiny-bd/config\\.json$", 1)),
                proxy.add(resetAfter("GET", "^/models/tiny-bd/model\\.safetensors$", 64, 2)),
                proxy.add(delay("GET", "^/models/tiny-bd/tokenizer\\.json$", 300, 1)),
                proxy.add(slowDown("PUT", "^/results/run-faulty/captions/.*part-", 2).uploadsOnly()),
                proxy.add(slowDown("PUT", "^/results/run-faulty/captions/.*part-", 2).copiesOnly()),
                proxy.add(slowDown("DELETE", "^/results/run-faulty/", 1)),
                proxy.add(slowDown("PUT", "^/results/run-faulty/_SUCCESS", 1).copiesOnly()));
        long t0 = System.nanoTime();
        StoreJob.Run faulty = runJob("run-faulty", "cache-faulty", retries, "--resume");
        double wall = (System.nanoTime() - t0) / 1e9;
        String fired = rules.stream().map(Rule::toString).collect(Collectors.joining("\n"));
        assertEquals(0, faulty.status(), fired + "\n" + faulty.err());
        for (Rule r : rules) {
            assertEquals(0, r.remaining.get(), "every fault was injected: " + r + "\n" + fired);
        }
        int slowDowns = rules.stream().filter(r -> r.kind == Kind.SLOW_DOWN).mapToInt(r -> r.fired.get()).sum();
        int resets = rules.stream().filter(r -> r.kind == Kind.RESET).mapToInt(r -> r.fired.get()).sum();
        int delays = rules.stream().filter(r -> r.kind == Kind.DELAY).mapToInt(r -> r.fired.get()).sum();
        assertTrue(slowDowns > 0 && resets > 0 && delays > 0, fired);

        Map<String, Row> afterFaults = captions("run-faulty");
        assertEquals(expected.keySet(), afterFaults.keySet(), "every image exactly once");
        for (Map.Entry<String, Row> e : reference.entrySet()) {
            Row r = afterFaults.get(e.getKey());
            assertEquals(e.getValue().<String>getAs("status"), r.getAs("status"), e.getKey());
            assertEquals(e.getValue().<String>getAs("caption"), r.getAs("caption"), e.getKey());
        }
        record(String.format("transient: %d SlowDown, %d resets, %d delays injected; %d requests; rows %d of %d,"
                        + " lost 0, duplicates 0, captions equal to the fault-free run's; run %.1f s%n%s%n",
                slowDowns, resets, delays, proxy.requests() - requestsBefore, afterFaults.size(), expected.size(), wall,
                fired));
    }

    /** The {@code fs.s3a.attempts.maximum} and {@code fs.s3a.retry.*} settings of the template, as --conf. */
    private static List<String> templateRetrySettings() throws IOException {
        Pattern setting = Pattern.compile("^(spark\\.hadoop\\.fs\\.s3a\\.(?:retry\\.\\S+|attempts\\.maximum))\\s+(\\S+)");
        List<String> conf = new ArrayList<>();
        for (String line : Files.readAllLines(TEMPLATE)) {
            Matcher m = setting.matcher(line);
            if (m.find()) {
                conf.add("--conf");
                conf.add(m.group(1) + "=" + m.group(2));
            }
        }
        return conf;
    }

    /** Runs {@code dvlcap job} as S3CaptionJobTest does, with s3a pointed at the faulty proxy. */
    private StoreJob.Run runJob(String output, String cache, List<String> retries, String... extra) {
        List<String> args = StoreJob.args("s3a://corpus/shapes/images", "s3a://models/tiny-bd", dir.resolve(cache),
                "s3a://results/" + output, 1);
        args.addAll(List.of(extra));
        args.addAll(storeConf());
        args.addAll(retries);
        closeCachedFileSystems();
        return StoreJob.run(args);
    }

    /** LoopbackS3's settings with the endpoint moved to the proxy and its own retry settings left out. */
    private List<String> storeConf() {
        List<String> conf = new ArrayList<>();
        List<String> base = s3.sparkConf();
        for (int i = 1; i < base.size(); i += 2) {
            String kv = base.get(i);
            if (kv.contains(".retry.") || kv.contains(".attempts.")) {
                continue;
            }
            conf.add("--conf");
            conf.add(kv.startsWith("spark.hadoop.fs.s3a.endpoint=") ? "spark.hadoop.fs.s3a.endpoint=" + proxy.endpoint()
                    : kv);
        }
        return conf;
    }

    /** The captions table by file name, read straight from S3Proxy; fails on a duplicate id. */
    private Map<String, Row> captions(String output) {
        closeCachedFileSystems();
        SparkSession spark = StoreJob.reader("dvlcap-s3-faults-check", s3.sparkConf());
        try {
            Map<String, Row> byName = new HashMap<>();
            for (Row r : spark.read().parquet("s3a://results/" + output + "/captions").collectAsList()) {
                String id = r.getAs("id");
                assertNull(byName.put(id.substring(id.lastIndexOf('/') + 1), r), "duplicate " + id);
            }
            return byName;
        } finally {
            spark.stop();
        }
    }

    /**
     * Hadoop caches one FileSystem per scheme and bucket in the JVM: without this, a run would reuse
     * the S3A client of an earlier run (or test class), with its endpoint and retry settings.
     */
    private static void closeCachedFileSystems() {
        try {
            FileSystem.closeAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends the figures to target/s3-faults.txt, the source of docs/RELIABILITY.md's table. */
    private static void record(String text) throws IOException {
        Path file = Path.of("target", "s3-faults.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        System.out.print(text);
    }
}
