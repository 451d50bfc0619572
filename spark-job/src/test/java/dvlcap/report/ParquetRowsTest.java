package dvlcap.report;

import dvlcap.schemas.SweepCaptionsTableSchema;
import dvlcap.schemas.SweepTableSchema;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetRowsTest {

    @TempDir
    Path dir;

    private static Map<String, Object> sweepRow(Double objectF1) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (var f : SweepTableSchema.SCHEMA.getFields()) {
            r.put(f.getName(), switch (f.getType().getTypeID()) {
                case Utf8 -> f.getName() + " ü";
                case Int -> ((org.apache.arrow.vector.types.pojo.ArrowType.Int) f.getType()).getBitWidth() == 32
                        ? (Object) 7 : (Object) 123_456_789_012L;
                case FloatingPoint -> 0.85;
                case Timestamp -> Instant.parse("2026-01-02T03:04:05.123456Z");
                default -> throw new AssertionError(f);
            });
        }
        r.put(SweepTableSchema.OBJECT_F1, objectF1);
        return r;
    }

    @Test
    void rowsReadBackAsWrittenWithNullsAndTimestamps() throws Exception {
        Path file = dir.resolve("t/part-1.parquet");
        List<Map<String, Object>> rows = List.of(sweepRow(0.5), sweepRow(null));
        ParquetRows.write(file, SweepTableSchema.SCHEMA, rows);
        assertEquals(rows, ParquetRows.read(file));
        assertEquals(rows, ParquetRows.readTable(dir.resolve("t").toString(), new Configuration()));
        try (var s = Files.list(dir.resolve("t"))) {
            assertEquals(List.of("part-1.parquet"), s.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file is left behind");
        }
    }

    @Test
    void aMissingRequiredValueIsAnErrorNamingTheColumnAndNoFileAppears() {
        Map<String, Object> row = new HashMap<>(sweepRow(null));
        row.remove(SweepTableSchema.SETTING);
        Path file = dir.resolve("bad.parquet");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParquetRows.write(file, SweepTableSchema.SCHEMA, List.of(row)));
        assertTrue(e.getMessage().contains("setting"), e.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void aTableThatDoesNotExistHasNoRows() throws Exception {
        assertEquals(List.of(), ParquetRows.readTable(dir.resolve("nothing").toString(), new Configuration()));
    }

    @Test
    void theParquetSchemaKeepsNullabilityAndNamesTheTable() {
        var type = ParquetRows.messageType(SweepCaptionsTableSchema.SCHEMA);
        assertEquals("sweep_captions", type.getName());
        assertEquals(SweepCaptionsTableSchema.SCHEMA.getFields().size(), type.getFieldCount());
        assertTrue(ParquetRows.messageType(SweepTableSchema.SCHEMA).getType(SweepTableSchema.OBJECT_F1)
                .isRepetition(org.apache.parquet.schema.Type.Repetition.OPTIONAL));
    }
}
