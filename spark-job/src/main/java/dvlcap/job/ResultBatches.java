package dvlcap.job;

import static dvlcap.job.ImageBatches.text;
import static dvlcap.job.ImageBatches.utf8;

import dvlcap.schemas.ResultBatchSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes and reads Arrow batches of {@link ResultBatchSchema}.
 *
 * <p>{@link #write} returns a batch the caller owns and must close; on failure nothing stays
 * allocated.
 */
public final class ResultBatches {

    private ResultBatches() {
    }

    public static VectorSchemaRoot write(List<CaptionOutcome> outcomes, BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(ResultBatchSchema.SCHEMA, allocator);
        try {
            root.allocateNew();
            VarCharVector ids = (VarCharVector) root.getVector(ResultBatchSchema.ID);
            VarCharVector captions = (VarCharVector) root.getVector(ResultBatchSchema.CAPTION);
            VarCharVector status = (VarCharVector) root.getVector(ResultBatchSchema.STATUS);
            VarCharVector errors = (VarCharVector) root.getVector(ResultBatchSchema.ERROR);
            for (int i = 0; i < outcomes.size(); i++) {
                CaptionOutcome o = outcomes.get(i);
                ids.setSafe(i, utf8(o.id()));
                setText(captions, i, o.caption());
                status.setSafe(i, utf8(o.status().value()));
                setText(errors, i, o.error());
                ints(root, ResultBatchSchema.TOKENS).setSafe(i, o.tokens());
                ints(root, ResultBatchSchema.BLOCKS).setSafe(i, o.blocks());
                ints(root, ResultBatchSchema.FORWARD_PASSES).setSafe(i, o.forwardPasses());
                doubles(root, ResultBatchSchema.VISION_MS).setSafe(i, o.visionMs());
                doubles(root, ResultBatchSchema.PREFILL_MS).setSafe(i, o.prefillMs());
                doubles(root, ResultBatchSchema.DECODE_MS).setSafe(i, o.decodeMs());
                doubles(root, ResultBatchSchema.LATENCY_MS).setSafe(i, o.latencyMs());
            }
            root.setRowCount(outcomes.size());
            return root;
        } catch (RuntimeException | Error e) {
            root.close();
            throw e;
        }
    }

    public static List<CaptionOutcome> read(VectorSchemaRoot root) {
        List<CaptionOutcome> out = new ArrayList<>(root.getRowCount());
        VarCharVector ids = (VarCharVector) root.getVector(ResultBatchSchema.ID);
        VarCharVector captions = (VarCharVector) root.getVector(ResultBatchSchema.CAPTION);
        VarCharVector errors = (VarCharVector) root.getVector(ResultBatchSchema.ERROR);
        for (int i = 0; i < root.getRowCount(); i++) {
            out.add(new CaptionOutcome(text(ids, i), text(captions, i), text(errors, i),
                    ints(root, ResultBatchSchema.TOKENS).get(i), ints(root, ResultBatchSchema.BLOCKS).get(i),
                    ints(root, ResultBatchSchema.FORWARD_PASSES).get(i),
                    doubles(root, ResultBatchSchema.VISION_MS).get(i),
                    doubles(root, ResultBatchSchema.PREFILL_MS).get(i),
                    doubles(root, ResultBatchSchema.DECODE_MS).get(i),
                    doubles(root, ResultBatchSchema.LATENCY_MS).get(i)));
        }
        return out;
    }

    private static void setText(VarCharVector v, int i, String s) {
        if (s == null) {
            v.setNull(i);
        } else {
            v.setSafe(i, utf8(s));
        }
    }

    private static IntVector ints(VectorSchemaRoot root, String name) {
        return (IntVector) root.getVector(name);
    }

    private static Float8Vector doubles(VectorSchemaRoot root, String name) {
        return (Float8Vector) root.getVector(name);
    }
}
