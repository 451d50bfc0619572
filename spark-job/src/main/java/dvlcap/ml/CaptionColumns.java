package dvlcap.ml;

import dvlcap.job.CaptionRows;
import dvlcap.schemas.CaptionsTableSchema;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The columns {@link Captioner} adds, named with a prefix, and how each is read from a row of the
 * job's captions table, so the transformer's values are the job's values.
 *
 * @param prefix put before every name ("" gives caption, status, error, tokens, forwards, latency_ms)
 */
public record CaptionColumns(String prefix) implements Serializable {

    /** Added column name (without prefix) and the captions-table column it copies. */
    private record Column(String name, String source) implements Serializable {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("caption", CaptionsTableSchema.CAPTION),
            new Column("status", CaptionsTableSchema.STATUS),
            new Column("error", CaptionsTableSchema.ERROR),
            new Column("tokens", CaptionsTableSchema.TOKENS),
            new Column("forwards", CaptionsTableSchema.FORWARD_PASSES),
            new Column("latency_ms", CaptionsTableSchema.LATENCY_MS));

    /** The added column names, in order. */
    public List<String> names() {
        return COLUMNS.stream().map(c -> prefix + c.name()).toList();
    }

    /** The added columns as Spark fields: types and nullability of the captions table's columns. */
    public List<StructField> fields() {
        List<StructField> out = new ArrayList<>();
        for (Column c : COLUMNS) {
            StructField source = CaptionRows.SCHEMA.apply(c.source());
            out.add(DataTypes.createStructField(prefix + c.name(), source.dataType(), source.nullable()));
        }
        return out;
    }

    /** The added columns' values from a row of the captions table ({@link CaptionRows#SCHEMA}). */
    public Object[] values(Row captionsRow) {
        Object[] out = new Object[COLUMNS.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = captionsRow.get(CaptionRows.SCHEMA.fieldIndex(COLUMNS.get(i).source()));
        }
        return out;
    }
}
