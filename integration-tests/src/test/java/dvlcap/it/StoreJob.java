package dvlcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dvlcap.job.JobCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The small job the store tests (S3, S3 faults, HDFS) run on a remote file system, through
 * {@code dvlcap job}'s own entry point in a Spark session of its own, and the session they read the
 * results back with.
 */
final class StoreJob {

    record Run(int status, String out, String err) {
    }

    private StoreJob() {
    }

    /** The job's arguments: images, model (copied into {@code cache}) and output where the test put them. */
    static List<String> args(String input, String model, Path cache, String output, int progressSeconds) {
        return new ArrayList<>(List.of("--input", input, "--model", model, "--model-cache", cache.toString(),
                "--output", output, "--master", "local[2]", "--backend", "cpu",
                "--max-new-tokens", "6", "--batch-size", "4", "--partitions", "2",
                "--progress-seconds", Integer.toString(progressSeconds),
                "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1"));
    }

    static Run run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = JobCommand.run(args.toArray(String[]::new), new PrintStream(out, true), new PrintStream(err, true));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs the job, which must succeed; returns its stdout. */
    static String runOk(List<String> args) {
        Run r = run(args);
        assertEquals(0, r.status(), r.err());
        return r.out();
    }

    /** A local session for reading the results, with the store's {@code --conf KEY=VALUE} pairs. */
    static SparkSession reader(String appName, List<String> storeConf) {
        SparkSession.Builder b = SparkSession.builder().master("local[1]").appName(appName)
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1");
        for (int i = 1; i < storeConf.size(); i += 2) {
            String kv = storeConf.get(i);
            int eq = kv.indexOf('=');
            b = b.config(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return b.getOrCreate();
    }
}
