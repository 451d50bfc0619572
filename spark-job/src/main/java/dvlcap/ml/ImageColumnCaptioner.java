package dvlcap.ml;

import dvlcap.job.InputColumns;
import dvlcap.job.PartitionCaptioner;
import dvlcap.job.SparkImageStruct;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@link Captioner}'s partition function: every input row comes out with the caption columns
 * appended, in input order.
 *
 * <p>It runs the job's own partition function ({@link PartitionCaptioner}: Arrow batches into the
 * executor's shared engine, bad images as error rows) on a view of each row in the job's input
 * columns, and pairs its output, which is one row per input in input order, with the rows it
 * has taken. The partition captioner reads ahead by up to two batches, so that many rows wait here.
 */
final class ImageColumnCaptioner implements MapPartitionsFunction<Row, Row>, Serializable {

    private final PartitionCaptioner captioner;
    private final int imageIndex;
    private final int idIndex;
    private final StructType jobInput;
    private final StructType output;
    private final CaptionColumns columns;

    /**
     * @param imageIndex the image column (binary or image struct) in the input rows
     * @param idIndex    the column that names rows in error messages, or -1 (rows are then named by
     *                   the struct's origin, else by partition and position)
     * @param output     the input schema with {@code columns} appended
     */
    ImageColumnCaptioner(PartitionCaptioner captioner, int imageIndex, DataType imageType, int idIndex,
                         StructType output, CaptionColumns columns) {
        this.captioner = captioner;
        this.imageIndex = imageIndex;
        this.idIndex = idIndex;
        this.output = output;
        this.columns = columns;
        this.jobInput = new StructType()
                .add(InputColumns.ID, DataTypes.StringType, false)
                .add(InputColumns.SOURCE, DataTypes.StringType, true)
                .add(InputColumns.PATH, DataTypes.StringType, true)
                .add(InputColumns.IMAGE, imageType, true);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) throws Exception {
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        ArrayDeque<Row> taken = new ArrayDeque<>();
        Iterator<Row> asJobInput = new Iterator<>() {
            private long position;

            @Override
            public boolean hasNext() {
                return input.hasNext();
            }

            @Override
            public Row next() {
                Row row = input.next();
                taken.add(row);
                return jobRow(row, partition, position++);
            }
        };
        Iterator<Row> captions = captioner.call(asJobInput);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return captions.hasNext();
            }

            @Override
            public Row next() {
                Row caption = captions.next();
                Row row = taken.poll();
                if (row == null) {
                    throw new IllegalStateException("the partition captioner returned more rows than it was given");
                }
                Object[] values = new Object[output.size()];
                for (int i = 0; i < row.size(); i++) {
                    values[i] = row.get(i);
                }
                System.arraycopy(columns.values(caption), 0, values, row.size(), values.length - row.size());
                return new GenericRowWithSchema(values, output);
            }
        };
    }

    private Row jobRow(Row row, int partition, long position) {
        Object image = row.get(imageIndex);
        String origin = image instanceof Row struct ? SparkImageStruct.origin(struct) : null;
        String id;
        if (idIndex >= 0 && !row.isNullAt(idIndex)) {
            id = String.valueOf(row.get(idIndex));
        } else if (origin != null) {
            id = origin;
        } else {
            id = "row " + position + " of partition " + partition;
        }
        return new GenericRowWithSchema(new Object[] {id, origin, null, image}, jobInput);
    }
}
