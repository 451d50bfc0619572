package dvlcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.job.JobCommand;
import dvlcap.job.JobOptionsParser;
import dvlcap.testing.TinyCheckpoints;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many images through one executor JVM (local mode: driver and executor share the JVM, as one
 * executor of a cluster would run the same tasks): the live heap after GC, direct memory, open
 * file descriptors and threads must stay flat once the first tasks have run. A per-image leak of an
 * image's pixels (tens to hundreds of KiB, held on the heap from preprocessing to the engine) grows
 * these by megabytes within the default suite's run; {@code -Psoak} runs 20,000 images. The job runs in
 * rounds over one output ({@code --resume --limit}), so that each round ends with every task done
 * and the state after each round can be compared.
 *
 * <p>The curve is written to {@code target/soak/curve.csv} (one sample per second) and the state
 * after each round to {@code target/soak/after-round.csv}.
 */
class ExecutorSoakTest {

    /** Images in all: {@code -Ddvlcap.soak.images=20000} (the soak profile) or the short default. */
    private static final int IMAGES = Integer.getInteger("dvlcap.soak.images", 1000);
    /** Runs of the job over the same output, each appending IMAGES / ROUNDS images with --resume. */
    private static final int ROUNDS = Integer.getInteger("dvlcap.soak.rounds", 5);
    private static final int IMAGES_PER_TASK = 200;
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    @Test
    void memoryFileHandlesAndThreadsStayFlatOverManyImages() throws Exception {
        Path model = TinyCheckpoints.write(dir.resolve("tiny-bd"), TinyCheckpoints.Spec.tiny(5));
        SparkSession spark = SparkSession.builder().master("local[2]").appName("dvlcap-soak")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.showConsoleProgress", "false")
                // Spark keeps the last 1,000 jobs, stages and SQL executions for its UI, about a
                // MiB per round here: keep one of each, so that what grows is ours.
                .config("spark.ui.retainedJobs", "1").config("spark.ui.retainedStages", "1")
                .config("spark.sql.ui.retainedExecutions", "1")
                .getOrCreate();
        try {
            Path input = dir.resolve("input");
            int corrupt = writeInput(spark, input, IMAGES);
            Path output = dir.resolve("out");
            ResourceSampler sampler = ResourceSampler.start(1000);
            List<ResourceSampler.Sample> afterRound = new ArrayList<>();
            try {
                for (int round = 1; round <= ROUNDS; round++) {
                    long limit = (long) IMAGES * round / ROUNDS;
                    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
                    int status = JobCommand.run(spark, JobOptionsParser.parse(new String[] {
                            "--input", input.toString(), "--output", output.toString(), "--model", model.toString(),
                            "--backend", "cpu", "--max-new-tokens", "8", "--batch-size", "16",
                            "--partitions", String.valueOf(Math.max(2, IMAGES / ROUNDS / IMAGES_PER_TASK)),
                            "--limit", String.valueOf(limit), "--resume", "--progress-seconds", "0", "--show", "0"}),
                            new PrintStream(out, true), new PrintStream(err, true));
                    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
                    afterRound.add(sampler.settledSample(3, 500));
                }
            } finally {
                sampler.stop();
            }

            // Nothing lost, nothing doubled, the corrupt ones as error rows.
            Row counts = spark.read().parquet(output.resolve("captions").toString())
                    .selectExpr("count(*)", "count(distinct id)", "sum(if(status = 'error', 1, 0))").first();
            assertEquals(IMAGES, counts.getLong(0));
            assertEquals(IMAGES, counts.getLong(1));
            assertEquals(corrupt, counts.getLong(2));

            List<ResourceSampler.Sample> samples = sampler.samples();
            Path curve = Path.of("target", "soak", "curve.csv");
            ResourceSampler.writeCsv(samples, curve);
            ResourceSampler.writeCsv(afterRound, Path.of("target", "soak", "after-round.csv"));
            // Round 1 loads the model, compiles, and starts Spark's pools: compare from round 2 on.
            ResourceSampler.Sample first = afterRound.get(Math.min(1, ROUNDS - 1)), last = afterRound.get(ROUNDS - 1);
            System.out.printf(Locale.ROOT, "soak: %d images in %d rounds, %.0f s; after round 2 / last: live heap "
                            + "%d / %d MiB, direct %d / %d KiB, fds %d / %d, threads "
                            + "%d / %d (dvlcap's %d / %d) (%s)%n",
                    IMAGES, ROUNDS, samples.get(samples.size() - 1).seconds(), first.heap() / MIB, last.heap() / MIB,
                    first.direct() >> 10, last.direct() >> 10, first.fds(), last.fds(), first.threads(),
                    last.threads(), first.dvlcapThreads(), last.dvlcapThreads(), curve.toAbsolutePath());
            // Bounds: GC noise and Spark's own bookkeeping per job are well under these; a leak of
            // one image's pixels (tens of KiB and more) per image over the rounds is not.
            assertTrue(last.heap() - first.heap() < Math.max(24 * MIB, first.heap() / 10),
                    "live heap grew: " + afterRound);
            assertTrue(last.direct() - first.direct() < 8 * MIB, "direct memory grew: " + afterRound);
            assertTrue(last.fds() - first.fds() <= 8, "file descriptors grew: " + afterRound);
            // Spark's driver pools (broadcast-exchange, shuffle-exchange...) grow with jobs up to their
            // caps and shrink when idle; dvlcap's own threads (engine, decode watchdog, vector
            // workers) must not grow at all.
            assertTrue(last.dvlcapThreads() <= first.dvlcapThreads(), "dvlcap threads grew: " + afterRound);
        } finally {
            spark.stop();
        }
    }

    /**
     * A Parquet table of {@code n} rows (id, image): 32 distinct small PNGs repeated under unique
     * ids, and every 97th row corrupt bytes. Returns the number of corrupt rows.
     */
    private static int writeInput(SparkSession spark, Path dir, int n) {
        List<byte[]> pngs = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 32; i++) {
            pngs.add(png(r, 48 + r.nextInt(48), 48 + r.nextInt(48)));
        }
        byte[] garbage = "not an image at all".getBytes(StandardCharsets.US_ASCII);
        StructType schema = new StructType().add("id", DataTypes.StringType, false)
                .add("image", DataTypes.BinaryType, true);
        List<Row> rows = new ArrayList<>(n);
        int corrupt = 0;
        for (int i = 0; i < n; i++) {
            boolean bad = i % 97 == 96;
            corrupt += bad ? 1 : 0;
            rows.add(RowFactory.create(String.format(Locale.ROOT, "img-%06d", i), bad ? garbage : pngs.get(i % 32)));
        }
        spark.createDataFrame(rows, schema).repartition(4).write().parquet(dir.toString());
        return corrupt;
    }

    private static byte[] png(SplittableRandom r, int w, int h) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setColor(new Color(r.nextInt(1 << 24)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(r.nextInt(1 << 24)));
        g.fillOval(r.nextInt(w / 2), r.nextInt(h / 2), w / 3, h / 3);
        g.dispose();
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ImageIO.write(im, "png", b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
