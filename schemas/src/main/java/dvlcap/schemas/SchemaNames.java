package dvlcap.schemas;

import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Builds a schema carrying its name and version as metadata, so a reader of a
 * Parquet file can tell which dvlcap table it holds.
 */
final class SchemaNames {

    static final String NAME_KEY = "dvlcap.schema";
    static final String VERSION_KEY = "dvlcap.schema.version";

    private SchemaNames() {
    }

    static Schema named(String name, int version, Field... fields) {
        return new Schema(List.of(fields), Map.of(NAME_KEY, name, VERSION_KEY, Integer.toString(version)));
    }
}
