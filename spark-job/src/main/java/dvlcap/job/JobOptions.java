package dvlcap.job;

import dvlcap.decode.DecodingSettings;
import dvlcap.engine.KvBudget;
import java.io.Serializable;
import java.util.Map;

/**
 * Everything one {@code dvlcap job} run was asked to do, already validated by
 * {@link JobOptionsParser}. Serializable so executors receive the decoding settings with the task.
 *
 * @param input        directory or glob of image files, or a Parquet table (local, hdfs://, s3a://)
 * @param inputFormat  how to read {@code input}
 * @param imageColumn  binary image column of a Parquet input
 * @param idColumn     id column of a Parquet input; null = the first of id, key, url
 * @param output       output directory: {@code captions/}, {@code metrics/}, {@code _SUCCESS}
 * @param model        model directory (local, hdfs://, s3a://)
 * @param modelCache   local directory executors copy remote models into
 * @param decoding     decoding settings (block size and steps 0 = the model's own)
 * @param prompt       user prompt; null = the model's caption prompt
 * @param references   manifest.jsonl with reference captions; null = no quality scores
 * @param partitions   0 = chosen from the input size and the cluster's parallelism
 * @param limit        0 = no limit; else caption the first {@code limit} images by id
 * @param backend      the backend each executor's engine asks for (name, heap for 16-bit weights)
 * @param kvBudget     memory of each engine's KV pool (bytes, a fraction of free memory, or auto)
 * @param sparkConf    extra Spark settings ({@code --conf k=v})
 * @param show         captions printed after the summary
 * @param report       after a successful run, write the HTML job report to {@code output/report.html}
 */
public record JobOptions(String input, InputFormat inputFormat, String imageColumn, String idColumn,
                         String output, String model, String modelCache,
                         DecodingSettings decoding, int batchSize, String prompt, String references, int partitions, boolean resume,
                         long limit, String master, dvlcap.backend.BackendRequest backend, KvBudget kvBudget, double progressSeconds,
                         Map<String, String> sparkConf, int show, boolean report) implements Serializable {

    /** How {@code --input} is read. */
    public enum InputFormat {
        /** Parquet when the path ends in .parquet or the directory holds Parquet files, else images. */
        AUTO,
        /** Image files through Spark's binaryFile source. */
        IMAGES,
        /** A Parquet table with a binary image column (img2dataset layout). */
        PARQUET
    }

    public JobOptions {
        sparkConf = Map.copyOf(sparkConf);
    }

    /** The engine's decoding settings for these options. */
    public DecodingSettings decodingSettings() {
        return decoding;
    }
}
