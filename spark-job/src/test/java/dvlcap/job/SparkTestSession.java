package dvlcap.job;

import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session of the test JVM: two task threads, and maxFailures 2 so a task that
 * fails once is retried ({@code local[2,2]}). Created on first use, stopped when the JVM ends.
 */
public final class SparkTestSession {

    private static SparkSession session;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder().master("local[2,2]").appName("dvlcap-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.executor.heartbeatInterval", "500ms")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .config(CaptionJob.FACTORY_CONF, MeanColourCaptionerFactory.class.getName())
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
        }
        return session;
    }
}
