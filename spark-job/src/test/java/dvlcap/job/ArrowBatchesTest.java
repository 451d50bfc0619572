package dvlcap.job;

import dvlcap.engine.CaptionProvenance;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelIdentity;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dvlcap.schemas.ImageBatchSchema;
import dvlcap.schemas.ResultBatchSchema;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ArrowBatchesTest {

    @Test
    void imageBatchRoundTripsPixelsAndErrorsAndFreesEverything() {
        try (BufferAllocator allocator = new RootAllocator()) {
            float[] big = new float[3 * 64 * 64];
            for (int i = 0; i < big.length; i++) {
                big[i] = i * 0.5f;
            }
            List<PreparedImage> in = List.of(PreparedImage.ok("a", VisionInput.tile(big)),
                    PreparedImage.failed("b", "truncated"),
                    PreparedImage.ok("c", new VisionInput(new float[] {1, 2, 3}, 1, 3, 640, 480)));
            try (VectorSchemaRoot root = ImageBatches.write(in, allocator)) {
                assertEquals(ImageBatchSchema.SCHEMA.getFields(), root.getSchema().getFields());
                List<PreparedImage> out = ImageBatches.read(root);
                assertEquals(3, out.size());
                assertArrayEquals(big, out.get(0).image().pixels());
                assertEquals(1, out.get(0).image().gridRows());
                assertNull(out.get(1).image());
                assertEquals("truncated", out.get(1).error());
                VisionInput c = out.get(2).image();
                assertArrayEquals(new float[] {1, 2, 3}, c.pixels());
                assertEquals(List.of(1, 3, 640, 480),
                        List.of(c.gridRows(), c.gridCols(), c.originalWidth(), c.originalHeight()));
            }
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }

    @Test
    void resultBatchBecomesCaptionRowsInOrder() {
        try (BufferAllocator allocator = new RootAllocator()) {
            List<CaptionOutcome> outcomes = List.of(
                    new CaptionOutcome("a", "a red square", null, 6, 2, 3, 1, 2, 3, 10),
                    CaptionOutcome.failed("b", "not an image"));
            CaptionProvenance run = new CaptionProvenance(new ModelIdentity("m", "sha256:ab"), "cpu-vector", "block", 8,
                    4, "dynamic", 0.85, 0, "1.2.3");
            try (VectorSchemaRoot root = ResultBatches.write(outcomes, allocator)) {
                assertEquals(ResultBatchSchema.SCHEMA.getFields(), root.getSchema().getFields());
                List<Row> rows = CaptionRows.of(root, List.of("a", "b"), List.of("s/a", "s/b"), run, null, "r1");
                Row a = rows.get(0);
                assertEquals("a", a.getString(0));
                assertEquals("s/a", a.getString(1));
                assertEquals("a red square", a.getString(2));
                assertEquals("ok", a.getString(3));
                assertEquals(2.0, a.getDouble(CaptionRows.SCHEMA.fieldIndex("tokens_per_forward")));
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
                assertEquals(CaptionRows.SCHEMA.fields().length, b.length());
                assertThrows(IllegalStateException.class,
                        () -> CaptionRows.of(root, List.of("b", "a"), List.of("x", "y"), run, null, "r1"), "reordered");
            }
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }
}
