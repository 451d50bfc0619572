package dvlcap.sweep;

import dvlcap.report.ParquetRows;
import dvlcap.schemas.SweepCaptionsTableSchema;
import dvlcap.schemas.SweepTableSchema;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SweepTableTest {

    @TempDir
    Path dir;

    private static Map<String, Object> row(Schema schema, String hash, String caption) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (Field f : schema.getFields()) {
            r.put(f.getName(), switch (f.getType().getTypeID()) {
                case Utf8 -> "x";
                case Int -> ((ArrowType.Int) f.getType()).getBitWidth() == 32 ? (Object) 1 : (Object) 1L;
                case FloatingPoint -> 1.0;
                case Timestamp -> Instant.now();
                default -> throw new AssertionError(f);
            });
        }
        r.put(SweepTableSchema.SETTINGS_HASH, hash);
        if (caption != null) {
            r.put(SweepCaptionsTableSchema.CAPTION, caption);
        }
        return r;
    }

    @Test
    void captionsOfASettingWithoutItsRowAreNotPartOfTheTableAndTheRerunReplacesThem() throws Exception {
        String hash = "sha256:0123456789abcdef0123456789abcdef";
        SweepTable table = new SweepTable(dir);
        // A sweep killed between a setting's two writes: its captions file, no row.
        ParquetRows.write(dir.resolve(SweepTable.CAPTIONS_DIR).resolve("part-0123456789abcdef.parquet"),
                SweepCaptionsTableSchema.SCHEMA, List.of(row(SweepCaptionsTableSchema.SCHEMA, hash, "stale")));
        assertEquals(Set.of(), table.finished());
        assertEquals(List.of(), table.captions());

        table.append(row(SweepTableSchema.SCHEMA, hash, null),
                List.of(row(SweepCaptionsTableSchema.SCHEMA, hash, "fresh")));
        assertEquals(Set.of(hash), table.finished());
        assertEquals(List.of("fresh"), table.captions().stream().map(c -> c.get(SweepCaptionsTableSchema.CAPTION)).toList());
    }
}
