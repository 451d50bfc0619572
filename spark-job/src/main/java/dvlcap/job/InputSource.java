package dvlcap.job;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where the images of a run come from. {@link #read} returns a Dataset with the columns of
 * {@link InputColumns}, one row per image, with a deterministic content so a retried task sees the
 * same rows.
 */
public interface InputSource {

    /**
     * @throws IllegalArgumentException with a message for the user when the input cannot be used
     *         (missing path, no image column, no id column)
     */
    Dataset<Row> read(SparkSession spark);

    /** True if rows carry the image bytes (repartitioning them would shuffle every image). */
    boolean carriesBytes();
}
