package dvlcap.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * A Parquet table with one encoded image per row in a binary column, such as img2dataset's
 * output ({@code key}, {@code url}, {@code jpg}, ...). The id comes from {@code idColumn}, or the
 * first of {@code id}, {@code key}, {@code url}; the source is the {@code url} column when there
 * is one. A row whose image is null (a failed download) becomes an error row.
 */
public final class ParquetImagesInput implements InputSource {

    static final List<String> ID_CANDIDATES = List.of("id", "key", "url");

    private final String input;
    private final String imageColumn;
    private final String idColumn;

    public ParquetImagesInput(String input, String imageColumn, String idColumn) {
        this.input = input;
        this.imageColumn = imageColumn;
        this.idColumn = idColumn;
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
        Dataset<Row> table = spark.read().parquet(input);
        List<String> columns = Arrays.asList(table.columns());
        StructField image = Arrays.stream(table.schema().fields()).filter(f -> f.name().equals(imageColumn))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("the Parquet input " + input
                        + " has no image column '" + imageColumn + "' (columns: " + columns
                        + "); choose one with --image-column"));
        if (!image.dataType().equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException("--image-column " + imageColumn + " must be binary, but it is "
                    + image.dataType().simpleString());
        }
        String id = idColumn;
        if (id == null) {
            id = ID_CANDIDATES.stream().filter(columns::contains).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("the Parquet input " + input + " has none of the id columns "
                            + ID_CANDIDATES + " (columns: " + columns + "); choose one with --id-column"));
        } else if (!columns.contains(id)) {
            throw new IllegalArgumentException("--id-column " + id + " is not a column of " + input + " (columns: "
                    + columns + ")");
        }
        Column source = columns.contains("url") ? col("url").cast(DataTypes.StringType)
                : lit(null).cast(DataTypes.StringType);
        return table.select(col(id).cast(DataTypes.StringType).as(InputColumns.ID), source.as(InputColumns.SOURCE),
                lit(null).cast(DataTypes.StringType).as(InputColumns.PATH), col(imageColumn).as(InputColumns.IMAGE));
    }

    @Override
    public boolean carriesBytes() {
        return true;
    }
}
