package dvlcap.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;

import java.util.List;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Image files listed with Spark's binaryFile source. Only paths are listed here (the source skips
 * file contents when they are not selected); tasks read each file's bytes themselves, so a shuffle
 * moves paths, not images. The id and source of a row are the file's qualified path.
 *
 * <p>A directory is searched recursively and only files with an image extension are taken (a
 * manifest beside the images is not an image); a glob takes exactly the files it matches, and
 * those that are not images become error rows.
 */
public final class ImageFilesInput implements InputSource {

    static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");

    private final String input;

    public ImageFilesInput(String input) {
        this.input = input;
    }

    static boolean isGlob(String path) {
        return path.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
        DataFrameReader reader = spark.read().format("binaryFile");
        boolean glob = isGlob(input);
        if (!glob) {
            reader = reader.option("recursiveFileLookup", "true");
        }
        Dataset<Row> files = reader.load(input).select(col("path"));
        if (!glob) {
            files = files.filter(lower(col("path")).rlike("\\.(" + String.join("|", EXTENSIONS) + ")$"));
        }
        return files.select(col("path").as(InputColumns.ID), col("path").as(InputColumns.SOURCE),
                col("path").as(InputColumns.PATH), lit(null).cast(DataTypes.BinaryType).as(InputColumns.IMAGE));
    }

    @Override
    public boolean carriesBytes() {
        return false;
    }
}
