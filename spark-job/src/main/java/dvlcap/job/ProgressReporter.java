package dvlcap.job;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Logs a progress line (images done, errors, images/s, ETA) to the {@code dvlcap.progress} logger
 * while a run captions.
 *
 * <p>Finished tasks count through the images accumulator; running tasks through the accumulator
 * values executors send with their heartbeats, so the count moves while long tasks run. Failed
 * attempts' values are dropped with the attempt. Printing problems never disturb the job.
 */
public final class ProgressReporter extends SparkListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dvlcap.progress");

    private final SparkSession spark;
    private final long total;
    private final LongAccumulator done;
    private final LongAccumulator failed;
    private final Map<Long, Long> running = new ConcurrentHashMap<>();
    private final long startNanos = System.nanoTime();
    private ScheduledExecutorService timer;

    public ProgressReporter(SparkSession spark, long total, LongAccumulator done, LongAccumulator failed) {
        this.spark = spark;
        this.total = total;
        this.done = done;
        this.failed = failed;
    }

    /** Registers the listener and logs a line every {@code seconds} (0: never). */
    public ProgressReporter start(double seconds) {
        spark.sparkContext().addSparkListener(this);
        if (seconds > 0) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dvlcap-progress");
                t.setDaemon(true);
                return t;
            });
            long ms = Math.max(100, (long) (seconds * 1000));
            timer.scheduleAtFixedRate(this::log, ms, ms, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> t
                : CollectionConverters.asJava(update.accumUpdates())) {
            for (AccumulableInfo info : CollectionConverters.asJava(t._4())) {
                if (info.id() == done.id() && info.update().isDefined()
                        && info.update().get() instanceof Number n) {
                    running.put((Long) t._1(), n.longValue());
                }
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        running.remove(end.taskInfo().taskId());
    }

    /** Images captioned so far (finished tasks plus what running tasks last reported). */
    public long imagesDone() {
        long n = done.value();
        for (long v : running.values()) {
            n += v;
        }
        return total > 0 ? Math.min(n, total) : n;
    }

    /** The progress line. */
    public String line() {
        long n = imagesDone();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 ? n / seconds : 0;
        String eta = rate > 0 && total > n ? duration((total - n) / rate) : "-";
        double pct = total > 0 ? 100.0 * n / total : 100;
        return String.format(Locale.ROOT, "dvlcap: %d/%d images (%.1f%%), %d errors, %.2f images/s, ETA %s",
                n, total, pct, failed.value(), rate, eta);
    }

    private void log() {
        try {
            LOG.info(line());
        } catch (RuntimeException e) {
            // progress is best effort
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        spark.sparkContext().removeSparkListener(this);
    }
}
