package dvlcap.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one converter from the Arrow schemas of {@code dvlcap.schemas} to Spark types, so the tables
 * Spark writes have exactly the columns the schemas module defines.
 *
 * <p>Only the Arrow types the schemas use are mapped; any other type is an
 * IllegalArgumentException naming the field, so a new schema column cannot silently change type.
 */
public final class SparkSchemas {

    private SparkSchemas() {
    }

    public static StructType toSpark(Schema schema) {
        List<StructField> fields = new ArrayList<>();
        for (Field f : schema.getFields()) {
            fields.add(toSpark(f));
        }
        return DataTypes.createStructType(fields);
    }

    static StructField toSpark(Field field) {
        return DataTypes.createStructField(field.getName(), type(field), field.isNullable());
    }

    private static DataType type(Field field) {
        ArrowType t = field.getType();
        if (t instanceof ArrowType.Utf8) {
            return DataTypes.StringType;
        }
        if (t instanceof ArrowType.Binary) {
            return DataTypes.BinaryType;
        }
        if (t instanceof ArrowType.Bool) {
            return DataTypes.BooleanType;
        }
        if (t instanceof ArrowType.Int i && i.getIsSigned()) {
            switch (i.getBitWidth()) {
                case 32: return DataTypes.IntegerType;
                case 64: return DataTypes.LongType;
                default: break;
            }
        }
        if (t instanceof ArrowType.FloatingPoint fp) {
            if (fp.getPrecision() == FloatingPointPrecision.SINGLE) {
                return DataTypes.FloatType;
            }
            if (fp.getPrecision() == FloatingPointPrecision.DOUBLE) {
                return DataTypes.DoubleType;
            }
        }
        if (t instanceof ArrowType.Timestamp ts && ts.getTimezone() != null) {
            return DataTypes.TimestampType;
        }
        throw new IllegalArgumentException("no Spark type for Arrow field '" + field.getName() + "' of type " + t);
    }
}
