package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

    @Test
    void runningTasksCountBeforeTheyFinish() throws Exception {
        SparkSession spark = SparkTestSession.get();
        LongAccumulator done = spark.sparkContext().longAccumulator("test.images");
        LongAccumulator failed = spark.sparkContext().longAccumulator("test.errors");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        try (ProgressReporter progress = new ProgressReporter(spark, 4, done, failed).start(0)) {
            CompletableFuture<Long> job = CompletableFuture.supplyAsync(() -> jsc.parallelize(List.of(1, 2, 3, 4), 1)
                    .map(i -> {
                        done.add(1);
                        Thread.sleep(i == 4 ? 5000 : 10); // the last image takes long: 3 done meanwhile
                        return i;
                    }).count());
            long seen = 0;
            // poll until the heartbeat shows the three quick images; a loaded machine may first show fewer
            for (int i = 0; i < 100 && seen < 3 && !job.isDone(); i++) {
                Thread.sleep(100);
                seen = progress.imagesDone();
            }
            assertTrue(seen >= 3, "progress saw " + seen + " images while the task ran");
            assertEquals(4L, job.get());
            assertEquals(4, progress.imagesDone());
            assertTrue(progress.line().contains("4/4 images (100.0%)"), progress.line());
        }
    }
}
