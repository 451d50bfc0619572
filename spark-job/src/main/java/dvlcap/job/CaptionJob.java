package dvlcap.job;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import dvlcap.decode.DecodingSettings;
import dvlcap.engine.CaptionProvenance;
import dvlcap.engine.DvlcapVersion;
import dvlcap.model.ModelIdentity;
import dvlcap.schemas.CaptionsTableSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One captioning run: read the input, leave out what a resumed output already has, caption on the
 * executors, commit the captions table, then compute and commit the metrics row, then write the
 * {@code _SUCCESS} marker at the output root.
 *
 * <p>Each table is written with Spark's file commit protocol, so a run that fails leaves the
 * captions table as it was (no partial files of the failed run become visible) and a retried task
 * never adds rows twice. The metrics row is written only after the captions commit, and the marker
 * only after both: a reader that sees the marker sees both tables complete.
 */
public final class CaptionJob {

    /** Spark setting naming the {@link CaptionerFactory}; tests plug in their own. */
    public static final String FACTORY_CONF = "spark.dvlcap.captionerFactory";
    public static final String CAPTIONS_DIR = "captions";
    public static final String METRICS_DIR = "metrics";
    public static final String MARKER = "_SUCCESS";

    private static final Logger LOG = LoggerFactory.getLogger(CaptionJob.class);

    private final SparkSession spark;
    private final JobOptions options;

    public CaptionJob(SparkSession spark, JobOptions options) {
        this.spark = spark;
        this.options = options;
    }

    /**
     * @throws IllegalArgumentException for a run that cannot start (output exists without
     *         --resume, unusable input); the message is for the user
     * @throws org.apache.spark.SparkException if captioning failed after Spark's retries
     */
    public RunMetrics run() throws IOException {
        Instant startedAt = Instant.now();
        String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(startedAt)
                + "-" + UUID.randomUUID().toString().substring(0, 8);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path out = new Path(options.output());
        FileSystem fs = out.getFileSystem(hadoop);
        String captionsPath = new Path(out, CAPTIONS_DIR).toString();
        String metricsPath = new Path(out, METRICS_DIR).toString();
        boolean hasCaptions = fs.exists(new Path(captionsPath));
        if (hasCaptions && !options.resume()) {
            throw new IllegalArgumentException("output " + options.output() + " already holds captions; add --resume "
                    + "to caption only the images not in it yet, or choose another --output");
        }
        checkModel(hadoop);
        ReferenceCaptions references = options.references() == null ? null
                : ReferenceCaptions.load(options.references(), hadoop);

        InputSource source = InputSources.of(options, hadoop);
        Dataset<Row> inputs = source.read(spark);
        if (hasCaptions) {
            discardDeadRunLeftovers(fs, new Path(captionsPath));
            // An explicit schema: a table that holds no committed file yet (a first run killed before
            // its commit) reads as empty, not as UNABLE_TO_INFER_SCHEMA.
            Dataset<Row> done = spark.read().schema(CaptionRows.SCHEMA).parquet(captionsPath)
                    .select(col(InputColumns.ID)).distinct();
            inputs = inputs.join(done, inputs.col(InputColumns.ID).equalTo(done.col(InputColumns.ID)), "left_anti");
        }
        if (options.limit() > 0) {
            // The first N ids, not "any N rows": the same images on every run and every retry.
            Dataset<Row> first = inputs.select(col(InputColumns.ID).as("limit_id")).orderBy("limit_id")
                    .limit((int) Math.min(Integer.MAX_VALUE, options.limit()));
            inputs = inputs.join(first, inputs.col(InputColumns.ID).equalTo(first.col("limit_id")), "left_semi");
        }
        long total = inputs.count();
        int partitions = partitions(total, source.carriesBytes());
        if (partitions > 0) {
            inputs = inputs.repartition(partitions, col(InputColumns.ID));
        }

        LongAccumulator done = spark.sparkContext().longAccumulator("dvlcap.images");
        LongAccumulator failed = spark.sparkContext().longAccumulator("dvlcap.errors");
        String factory = options.sparkConf().getOrDefault(FACTORY_CONF,
                spark.conf().get(FACTORY_CONF, EngineSpec.ENGINE_FACTORY));
        PartitionCaptioner captioner = new PartitionCaptioner(EngineSpec.of(options, factory), new HadoopConf(hadoop),
                runId, options.batchSize(), done, failed);
        Dataset<Row> captions = inputs.mapPartitions(captioner, Encoders.row(CaptionRows.SCHEMA));

        long t0 = System.nanoTime();
        spark.sparkContext().setJobGroup("dvlcap-" + runId, "dvlcap caption " + total + " images", false);
        try (ProgressReporter progress = new ProgressReporter(spark, total, done, failed)
                .start(options.progressSeconds())) {
            captions.write().mode(hasCaptions ? SaveMode.Append : SaveMode.ErrorIfExists).parquet(captionsPath);
        } finally {
            spark.sparkContext().clearJobGroup();
        }
        double wall = (System.nanoTime() - t0) / 1e9;

        Dataset<Row> runRows = spark.read().schema(CaptionRows.SCHEMA).parquet(captionsPath)
                .filter(col(CaptionsTableSchema.RUN_ID).equalTo(runId));
        CaptionProvenance provenance = provenance(runRows);
        RunMetrics metrics = MetricsCalculator.compute(runRows, runId, startedAt, wall, provenance, options,
                references);
        spark.createDataFrame(List.of(metrics.toRow()), RunMetrics.SCHEMA).coalesce(1).write().mode(SaveMode.Append)
                .parquet(metricsPath);
        writeMarker(fs, out, metrics);
        return metrics;
    }

    /**
     * Removes the file committer's {@code _temporary} directory a run that died before its job commit
     * left behind (a killed driver). Its committed task directories would otherwise be merged into
     * this run's commit, duplicating the rows this run captions again. Only one run writes an output
     * at a time, so a {@code _temporary} present before this run starts belongs to a dead one.
     */
    private static void discardDeadRunLeftovers(FileSystem fs, Path captions) throws IOException {
        Path temporary = new Path(captions, "_temporary");
        if (fs.exists(temporary)) {
            LOG.warn("{} holds the uncommitted files of a run that did not finish; discarding them (their images "
                    + "are captioned again)", temporary);
            if (!fs.delete(temporary, true)) {
                throw new IOException("cannot delete " + temporary + ", left by a run that did not finish");
            }
        }
    }

    /** Fails fast on the driver for a model the executors could not load (instead of failing every task). */
    private void checkModel(Configuration hadoop) throws IOException {
        Path config = new Path(options.model(), "config.json");
        if (!config.getFileSystem(hadoop).exists(config)) {
            throw new IllegalArgumentException("--model " + options.model() + " is not a model directory (no "
                    + "config.json in it)");
        }
    }

    /** 0 = keep the input's own partitioning. */
    private int partitions(long total, boolean carriesBytes) {
        if (options.partitions() > 0) {
            return options.partitions();
        }
        if (carriesBytes || total == 0) {
            return 0; // a shuffle would move every image; file splits are partitions enough
        }
        // Enough tasks that every core feeds the engine, and no task holds more than ~1000 images.
        long byParallelism = 2L * spark.sparkContext().defaultParallelism();
        long bySize = (total + 999) / 1000;
        return (int) Math.max(1, Math.min(total, Math.max(byParallelism, bySize)));
    }

    /**
     * What the run's rows say made them (the executors' engines), or, for a run without rows, what
     * was asked for.
     */
    private CaptionProvenance provenance(Dataset<Row> runRows) {
        List<Row> first = runRows.select(CaptionsTableSchema.MODEL, CaptionsTableSchema.MODEL_HASH,
                CaptionsTableSchema.BACKEND, CaptionsTableSchema.DECODER, CaptionsTableSchema.BLOCK_SIZE,
                CaptionsTableSchema.STEPS, CaptionsTableSchema.REMASKING, CaptionsTableSchema.THRESHOLD,
                CaptionsTableSchema.SUB_BLOCK, CaptionsTableSchema.DVLCAP_VERSION).limit(1).collectAsList();
        if (first.isEmpty()) {
            DecodingSettings d = options.decodingSettings();
            return new CaptionProvenance(new ModelIdentity(new Path(options.model()).getName(), ""), options.backend().name(),
                    d.decoder().name().toLowerCase(Locale.ROOT), d.blockSize(), d.steps(),
                    d.remasking().name().toLowerCase(Locale.ROOT), CaptionProvenance.decimal(d.threshold()),
                    d.subBlock(), DvlcapVersion.get());
        }
        Row r = first.get(0);
        return new CaptionProvenance(new ModelIdentity(r.getString(0), r.getString(1)), r.getString(2), r.getString(3),
                r.getInt(4), r.getInt(5), r.getString(6), r.getDouble(7), r.getInt(8), r.getString(9));
    }

    private static void writeMarker(FileSystem fs, Path out, RunMetrics m) {
        String json = String.format(java.util.Locale.ROOT,
                "{\"run_id\":\"%s\",\"images_ok\":%d,\"images_failed\":%d,\"finished_at\":\"%s\"}%n",
                m.runId(), m.imagesOk(), m.imagesFailed(), Instant.now());
        Path tmp = new Path(out, "." + MARKER + "." + m.runId() + ".tmp");
        Path marker = new Path(out, MARKER);
        try {
            try (OutputStream o = fs.create(tmp, true)) {
                o.write(json.getBytes(StandardCharsets.UTF_8));
            }
            fs.delete(marker, false);
            if (!fs.rename(tmp, marker)) {
                throw new IOException("rename " + tmp + " -> " + marker + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + marker + ": " + e.getMessage(), e);
        }
    }
}
