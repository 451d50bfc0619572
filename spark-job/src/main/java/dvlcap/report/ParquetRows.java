package dvlcap.report;

import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows of flat dvlcap tables (strings, int32, int64, float64, UTC timestamps) as maps from column
 * name to value, written to and read from Parquet files with parquet-hadoop, without a Spark
 * session. Files are readable by Spark, DuckDB and pyarrow; a table is a directory of such files.
 */
public final class ParquetRows {

    private ParquetRows() {
    }

    /** The Parquet schema of a flat Arrow schema, nullable fields optional. */
    public static MessageType messageType(Schema schema) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (Field f : schema.getFields()) {
            Type.Repetition rep = f.isNullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
            ArrowType t = f.getType();
            if (t instanceof ArrowType.Utf8) {
                b.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(f.getName());
            } else if (t instanceof ArrowType.Int i && i.getBitWidth() == 32) {
                b.primitive(PrimitiveTypeName.INT32, rep).named(f.getName());
            } else if (t instanceof ArrowType.Int i && i.getBitWidth() == 64) {
                b.primitive(PrimitiveTypeName.INT64, rep).named(f.getName());
            } else if (t instanceof ArrowType.FloatingPoint fp && fp.getPrecision() == FloatingPointPrecision.DOUBLE) {
                b.primitive(PrimitiveTypeName.DOUBLE, rep).named(f.getName());
            } else if (t instanceof ArrowType.Timestamp) {
                b.primitive(PrimitiveTypeName.INT64, rep)
                        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
                        .named(f.getName());
            } else {
                throw new IllegalArgumentException("column " + f.getName() + ": type " + t
                        + " is not a flat table type (utf8, int32, int64, float64, timestamp)");
            }
        }
        return b.named(schema.getCustomMetadata().getOrDefault("dvlcap.schema", "table"));
    }

    /**
     * Writes {@code rows} to {@code file} atomically: a temporary file in the same directory, then a
     * rename, so a reader never sees half a file. A row lacking a required column is an error
     * naming it.
     */
    public static void write(Path file, Schema schema, List<Map<String, Object>> rows) throws IOException {
        MessageType type = messageType(schema);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        SimpleGroupFactory groups = new SimpleGroupFactory(type);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(tmp)).withType(type)
                .withCompressionCodec(CompressionCodecName.SNAPPY).withExtraMetaData(schema.getCustomMetadata())
                .build()) {
            for (Map<String, Object> row : rows) {
                Group g = groups.newGroup();
                for (Field f : schema.getFields()) {
                    Object v = row.get(f.getName());
                    if (v == null) {
                        if (!f.isNullable()) {
                            throw new IllegalArgumentException("column " + f.getName() + " may not be null");
                        }
                        continue;
                    }
                    add(g, f, v);
                }
                w.write(g);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void add(Group g, Field f, Object v) {
        String n = f.getName();
        ArrowType t = f.getType();
        if (t instanceof ArrowType.Utf8) {
            g.add(n, v.toString());
        } else if (t instanceof ArrowType.Int i && i.getBitWidth() == 32) {
            g.add(n, ((Number) v).intValue());
        } else if (t instanceof ArrowType.Int) {
            g.add(n, ((Number) v).longValue());
        } else if (t instanceof ArrowType.Timestamp) {
            Instant at = (Instant) v;
            g.add(n, at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000);
        } else {
            g.add(n, ((Number) v).doubleValue());
        }
    }

    /** The rows of one local Parquet file. */
    public static List<Map<String, Object>> read(Path file) throws IOException {
        return read(new LocalInputFile(file));
    }

    /**
     * The rows of every data file of a table directory (files whose names start with {@code _} or
     * {@code .} are not data), in file-name order; an empty list when the directory does not exist.
     */
    public static List<Map<String, Object>> readTable(String dir, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            return List.of();
        }
        FileStatus[] files = fs.listStatus(p, f -> !f.getName().startsWith("_") && !f.getName().startsWith(".")
                && f.getName().endsWith(".parquet"));
        Arrays.sort(files, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (FileStatus f : files) {
            rows.addAll(read(HadoopInputFile.fromStatus(f, conf)));
        }
        return rows;
    }

    /** The rows of a Parquet file, with strings, numbers and timestamps (as {@link Instant}) decoded. */
    public static List<Map<String, Object>> read(InputFile in) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(in)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
                        .getRecordReader(pages, new GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    rows.add(toMap(records.read(), schema));
                }
            }
        }
        return rows;
    }

    private static Map<String, Object> toMap(Group g, MessageType schema) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < schema.getFieldCount(); i++) {
            Type t = schema.getType(i);
            if (!t.isPrimitive() || g.getFieldRepetitionCount(i) == 0) {
                row.put(t.getName(), null);
                continue;
            }
            PrimitiveType p = t.asPrimitiveType();
            LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
            Object v = switch (p.getPrimitiveTypeName()) {
                case BINARY -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        ? g.getString(i, 0) : g.getBinary(i, 0).getBytes();
                case INT32 -> g.getInteger(i, 0);
                case INT64 -> logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
                        ? instant(g.getLong(i, 0), ts.getUnit()) : g.getLong(i, 0);
                case INT96 -> int96(g.getInt96(i, 0));
                case DOUBLE -> g.getDouble(i, 0);
                case FLOAT -> g.getFloat(i, 0);
                case BOOLEAN -> g.getBoolean(i, 0);
                default -> null;
            };
            row.put(t.getName(), v);
        }
        return row;
    }

    private static Instant instant(long v, LogicalTypeAnnotation.TimeUnit unit) {
        return switch (unit) {
            case MILLIS -> Instant.ofEpochMilli(v);
            case MICROS -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
            case NANOS -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
        };
    }

    /** Spark's legacy timestamp: nanoseconds of the day, then the Julian day, little-endian. */
    private static Instant int96(Binary b) {
        ByteBuffer buf = b.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long nanos = buf.getLong();
        int julianDay = buf.getInt();
        long epochDay = julianDay - 2_440_588L;
        return Instant.ofEpochSecond(epochDay * 86_400L).plusNanos(nanos);
    }
}
