package dvlcap.schemas;

import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/** Short constructors for the few Arrow field kinds the dvlcap schemas use. */
final class Fields {

    private Fields() {
    }

    static Field string(String name, boolean nullable) {
        return leaf(name, nullable, ArrowType.Utf8.INSTANCE);
    }

    static Field int32(String name, boolean nullable) {
        return leaf(name, nullable, new ArrowType.Int(32, true));
    }

    static Field int64(String name, boolean nullable) {
        return leaf(name, nullable, new ArrowType.Int(64, true));
    }

    static Field float32(String name, boolean nullable) {
        return leaf(name, nullable, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
    }

    static Field float64(String name, boolean nullable) {
        return leaf(name, nullable, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
    }

    static Field timestampUtc(String name, boolean nullable) {
        return leaf(name, nullable, new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
    }

    private static Field leaf(String name, boolean nullable, ArrowType type) {
        return new Field(name, new FieldType(nullable, type, null), null);
    }
}
