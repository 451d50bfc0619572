package dvlcap.job;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dvlcap.report.JobReport;
import dvlcap.schemas.CaptionsTableSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.SparkSession;

/**
 * {@code dvlcap job}: captions an image corpus with Spark. Runs in local mode from the project's
 * own classpath ({@code --master local[*]}, the default) or under {@code spark-submit} with the
 * shaded jar, where the master comes from spark-submit.
 *
 * <p>Exit status: 0 done, 1 the run failed, 2 the command line or the output/input is unusable.
 */
public final class JobCommand {

    private JobCommand() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.exit(status);
    }

    /** Parses, runs in a session it creates (and stops), and reports; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (JobOptionsParser.wantsHelp(args)) {
            out.print(JobOptionsParser.help());
            return 0;
        }
        Optional<String> jvm = SupportedJava.problem();
        if (jvm.isPresent()) {
            err.println("dvlcap job: " + jvm.get());
            return 2;
        }
        JobOptions options;
        try {
            options = JobOptionsParser.parse(args);
        } catch (UsageException e) {
            err.println("dvlcap job: " + e.getMessage());
            return 2;
        }
        SparkSession spark;
        try {
            spark = session(options);
        } catch (Exception e) { // Spark throws SparkException undeclared
            err.println("dvlcap job: cannot start Spark (--master " + options.master() + "): " + e.getMessage());
            return 2;
        }
        try {
            return run(spark, options, out, err);
        } finally {
            spark.stop();
        }
    }

    /** Runs in an existing session (tests share one); returns the exit status. */
    public static int run(SparkSession spark, JobOptions options, PrintStream out, PrintStream err) {
        try {
            RunMetrics metrics = new CaptionJob(spark, options).run();
            out.print(metrics.summary());
            showCaptions(spark, options, metrics.runId(), out);
            out.println("  output: " + options.output());
        } catch (IllegalArgumentException e) {
            err.println("dvlcap job: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("dvlcap job failed: " + rootMessage(e));
            e.printStackTrace(err);
            return 1;
        }
        return options.report() ? writeReport(spark, options, out, err) : 0;
    }

    /**
     * {@code --report}: the page over the whole output (earlier runs of a resumed output included).
     * The tables are already complete, so a failure here says so rather than hiding them.
     */
    private static int writeReport(SparkSession spark, JobOptions options, PrintStream out, PrintStream err) {
        try {
            // Spark's Hadoop configuration carries --conf spark.hadoop.* (s3a endpoints, credentials).
            org.apache.hadoop.fs.Path page = new JobReport(options.output(),
                    spark.sparkContext().hadoopConfiguration()).writeIntoOutput(JobReport.DEFAULT_GALLERY);
            out.println("  report: " + page);
            return 0;
        } catch (Exception e) {
            err.println("dvlcap job: the captions and metrics are written, but the report failed: " + rootMessage(e)
                    + " ('dvlcap report --output " + options.output() + "' retries it)");
            return 1;
        }
    }

    /** The first {@code --show} rows of this run, by id: what a person wants to see after a demo run. */
    private static void showCaptions(SparkSession spark, JobOptions options, String runId, PrintStream out) {
        if (options.show() == 0) {
            return;
        }
        List<Row> rows = spark.read().parquet(new org.apache.hadoop.fs.Path(options.output(), CaptionJob.CAPTIONS_DIR).toString())
                .filter(functions.col(CaptionsTableSchema.RUN_ID).equalTo(runId))
                .orderBy(CaptionsTableSchema.ID).limit(options.show()).collectAsList();
        out.println("  captions (first " + rows.size() + " by id):");
        for (Row r : rows) {
            boolean ok = "ok".equals(r.getAs(CaptionsTableSchema.STATUS));
            out.println("    " + r.getAs(CaptionsTableSchema.ID) + "\t"
                    + (ok ? r.getAs(CaptionsTableSchema.CAPTION) : "ERROR: " + r.getAs(CaptionsTableSchema.ERROR)));
        }
    }

    /** The session for a run: spark-submit's master if there is one, else {@code --master}. */
    public static SparkSession session(JobOptions options) {
        SparkSession.Builder b = SparkSession.builder().appName("dvlcap job")
                .config("spark.ui.showConsoleProgress", "false");
        String master = System.getProperty("spark.master");
        if (master == null) {
            master = options.master();
            b = b.master(master);
        }
        if (master.startsWith("local")) {
            // Running tasks report progress with heartbeats; locally there is no network to spare.
            b = b.config("spark.executor.heartbeatInterval", "2s");
        }
        for (Map.Entry<String, String> e : options.sparkConf().entrySet()) {
            b = b.config(e.getKey(), e.getValue());
        }
        return b.getOrCreate();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return e == t ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + t + ")";
    }
}
