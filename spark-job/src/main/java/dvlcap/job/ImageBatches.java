package dvlcap.job;

import dvlcap.image.VisionInput;
import dvlcap.schemas.ImageBatchSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Writes and reads Arrow batches of {@link ImageBatchSchema}.
 *
 * <p>{@link #write} returns a batch the caller owns and must close; if writing fails the partly
 * written batch is closed before the exception leaves, so no buffer outlives the call.
 */
public final class ImageBatches {

    private ImageBatches() {
    }

    public static VectorSchemaRoot write(List<PreparedImage> images, BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(ImageBatchSchema.SCHEMA, allocator);
        try {
            VarCharVector ids = (VarCharVector) root.getVector(ImageBatchSchema.ID);
            ListVector pixels = (ListVector) root.getVector(ImageBatchSchema.PIXELS);
            VarCharVector errors = (VarCharVector) root.getVector(ImageBatchSchema.ERROR);
            IntVector gridRows = (IntVector) root.getVector(ImageBatchSchema.GRID_ROWS);
            IntVector gridCols = (IntVector) root.getVector(ImageBatchSchema.GRID_COLS);
            IntVector width = (IntVector) root.getVector(ImageBatchSchema.ORIGINAL_WIDTH);
            IntVector height = (IntVector) root.getVector(ImageBatchSchema.ORIGINAL_HEIGHT);
            root.allocateNew();
            Float4Vector values = (Float4Vector) pixels.getDataVector();
            int total = 0;
            for (int i = 0; i < images.size(); i++) {
                PreparedImage image = images.get(i);
                ids.setSafe(i, utf8(image.id()));
                if (image.image() == null) {
                    pixels.setNull(i);
                    errors.setSafe(i, utf8(image.error()));
                    for (IntVector v : List.of(gridRows, gridCols, width, height)) {
                        v.setNull(i);
                    }
                    continue;
                }
                errors.setNull(i);
                VisionInput in = image.image();
                gridRows.setSafe(i, in.gridRows());
                gridCols.setSafe(i, in.gridCols());
                width.setSafe(i, in.originalWidth());
                height.setSafe(i, in.originalHeight());
                float[] px = in.pixels();
                int start = pixels.startNewValue(i);
                while (values.getValueCapacity() < start + px.length) {
                    values.reAlloc();
                }
                for (int j = 0; j < px.length; j++) {
                    values.set(start + j, px[j]);
                }
                pixels.endValue(i, px.length);
                total = start + px.length;
            }
            values.setValueCount(total);
            root.setRowCount(images.size());
            return root;
        } catch (RuntimeException | Error e) {
            root.close();
            throw e;
        }
    }

    /** The rows of an image batch as plain objects (pixels copied out of Arrow memory). */
    public static List<PreparedImage> read(VectorSchemaRoot root) {
        VarCharVector ids = (VarCharVector) root.getVector(ImageBatchSchema.ID);
        ListVector pixels = (ListVector) root.getVector(ImageBatchSchema.PIXELS);
        VarCharVector errors = (VarCharVector) root.getVector(ImageBatchSchema.ERROR);
        IntVector gridRows = (IntVector) root.getVector(ImageBatchSchema.GRID_ROWS);
        IntVector gridCols = (IntVector) root.getVector(ImageBatchSchema.GRID_COLS);
        IntVector width = (IntVector) root.getVector(ImageBatchSchema.ORIGINAL_WIDTH);
        IntVector height = (IntVector) root.getVector(ImageBatchSchema.ORIGINAL_HEIGHT);
        Float4Vector values = (Float4Vector) pixels.getDataVector();
        List<PreparedImage> out = new ArrayList<>(root.getRowCount());
        for (int i = 0; i < root.getRowCount(); i++) {
            String id = text(ids, i);
            if (pixels.isNull(i)) {
                String error = text(errors, i);
                out.add(PreparedImage.failed(id, error == null ? "image missing from batch" : error));
                continue;
            }
            int start = pixels.getElementStartIndex(i);
            int end = pixels.getElementEndIndex(i);
            float[] px = new float[end - start];
            for (int j = 0; j < px.length; j++) {
                px[j] = values.get(start + j);
            }
            out.add(PreparedImage.ok(id, new VisionInput(px, gridRows.get(i), gridCols.get(i), width.get(i),
                    height.get(i))));
        }
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(VarCharVector v, int i) {
        return v.isNull(i) ? null : new String(v.get(i), StandardCharsets.UTF_8);
    }
}
