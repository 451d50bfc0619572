package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.engine.CaptionProvenance;
import dvlcap.model.ModelIdentity;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

class CaptionRowsTest {

    private static final CaptionProvenance RUN = new CaptionProvenance(new ModelIdentity("m", "sha256:ab"),
            "cpu-vector", "block", 8, 4, "dynamic", 0.85, 0, "1.2.3");

    private static final List<CaptionOutcome> OUTCOMES = List.of(
            new CaptionOutcome("a", "a red square", null, 6, 2, 3, 1, 2, 3, 10),
            CaptionOutcome.failed("b", "not an image"));

    @Test
    void outcomesBecomeCaptionRowsInOrderWithTheRunsProvenance() {
        List<Row> rows = CaptionRows.of(OUTCOMES, List.of("a", "b"), List.of("s/a", "s/b"), RUN, null, "r1");
        Row a = rows.get(0);
        assertEquals("a", a.getString(0));
        assertEquals("s/a", a.getString(1));
        assertEquals("a red square", a.getString(2));
        assertEquals("ok", a.getString(3));
        assertEquals(2.0, a.getDouble(CaptionRows.SCHEMA.fieldIndex("tokens_per_forward")));
        assertEquals(10.0, a.getDouble(CaptionRows.SCHEMA.fieldIndex("latency_ms")));
        Row b = rows.get(1);
        assertEquals("error", b.getString(3));
        assertEquals("not an image", b.getString(4));
        assertEquals("r1", b.getString(CaptionRows.SCHEMA.fieldIndex("run_id")));
        for (Row r : rows) {
            assertEquals("sha256:ab", r.getString(CaptionRows.SCHEMA.fieldIndex("model_hash")));
            assertEquals("cpu-vector", r.getString(CaptionRows.SCHEMA.fieldIndex("backend")));
            assertEquals(4, r.getInt(CaptionRows.SCHEMA.fieldIndex("steps")));
            assertEquals(0.85, r.getDouble(CaptionRows.SCHEMA.fieldIndex("threshold")), "exactly 0.85");
            assertEquals("1.2.3", r.getString(CaptionRows.SCHEMA.fieldIndex("dvlcap_version")));
        }
    }

    /**
     * Rows are built positionally, so a value in the wrong slot would only surface when Spark
     * encodes it; this checks every value against its column's type and nullability instead.
     */
    @Test
    void everyValueHasItsColumnsJavaTypeAndOnlyNullableColumnsHoldNull() {
        Map<DataType, Class<?>> javaType = Map.of(DataTypes.StringType, String.class,
                DataTypes.IntegerType, Integer.class, DataTypes.LongType, Long.class,
                DataTypes.DoubleType, Double.class, DataTypes.FloatType, Float.class);
        for (Row row : CaptionRows.of(OUTCOMES, List.of("a", "b"), List.of("s/a", "s/b"), RUN, "0", "r1")) {
            assertEquals(CaptionRows.SCHEMA.fields().length, row.length());
            for (int i = 0; i < row.length(); i++) {
                StructField f = CaptionRows.SCHEMA.fields()[i];
                Object v = row.get(i);
                if (v == null) {
                    assertTrue(f.nullable(), f.name() + " is null but not nullable");
                } else {
                    Class<?> want = javaType.get(f.dataType());
                    assertFalse(want == null, "no Java type known for " + f.dataType());
                    assertInstanceOf(want, v, f.name());
                }
            }
        }
    }

    @Test
    void outcomesForOtherIdsOrOfAnotherCountAreRefused() {
        assertThrows(IllegalStateException.class,
                () -> CaptionRows.of(OUTCOMES, List.of("b", "a"), List.of("x", "y"), RUN, null, "r1"), "reordered");
        assertThrows(IllegalStateException.class,
                () -> CaptionRows.of(OUTCOMES.subList(0, 1), List.of("a", "b"), List.of("x", "y"), RUN, null, "r1"),
                "one result missing");
    }
}
