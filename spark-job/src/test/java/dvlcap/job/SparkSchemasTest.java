package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.schemas.CaptionsTableSchema;
import dvlcap.schemas.MetricsTableSchema;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SparkSchemasTest {

    @Test
    void captionsTableKeepsArrowColumnOrderNamesAndNullability() {
        StructType t = SparkSchemas.toSpark(CaptionsTableSchema.SCHEMA);
        List<Field> fields = CaptionsTableSchema.SCHEMA.getFields();
        assertEquals(fields.size(), t.fields().length);
        for (int i = 0; i < fields.size(); i++) {
            assertEquals(fields.get(i).getName(), t.fields()[i].name());
            assertEquals(fields.get(i).isNullable(), t.fields()[i].nullable());
        }
        assertEquals(DataTypes.StringType, t.apply("id").dataType());
        assertEquals(DataTypes.IntegerType, t.apply("tokens").dataType());
        assertEquals(DataTypes.DoubleType, t.apply("tokens_per_forward").dataType());
        assertEquals(DataTypes.DoubleType, t.apply("threshold").dataType(), "0.85 reads back as 0.85");
    }

    @Test
    void metricsTimestampAndLongsMapToSparkTypes() {
        StructType t = SparkSchemas.toSpark(MetricsTableSchema.SCHEMA);
        assertEquals(DataTypes.TimestampType, t.apply("started_at").dataType());
        assertEquals(DataTypes.LongType, t.apply("images_ok").dataType());
        assertTrue(t.apply("cider_d").nullable());
    }

    @Test
    void unmappedArrowTypeIsRefusedByName() {
        Schema s = new Schema(List.of(new Field("day", FieldType.nullable(new ArrowType.Date(DateUnit.DAY)), null)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkSchemas.toSpark(s));
        assertTrue(e.getMessage().contains("'day'"), e.getMessage());
    }
}
