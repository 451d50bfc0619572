package dvlcap.job;

import dvlcap.image.VisionInput;
import dvlcap.schemas.CaptionsTableSchema;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Captions one partition: input rows ({@link InputColumns}) in, captions-table rows out, one per
 * input row, in input order.
 *
 * <p>Images are read, decoded and preprocessed on the task thread into batches of {@code batchSize}
 * {@link PreparedImage}s; each batch is submitted to the executor's shared captioner before the
 * previous batch's results are awaited, so decoding overlaps the engine. A bad image becomes an
 * error row; only an engine failure fails the task (Spark then retries it; the output commit
 * protocol drops the failed attempt's rows).
 *
 * <p>Why there is no Arrow batch between the task and the engine: both run in the executor JVM,
 * nothing outside it reads the batches (no Python worker, no IPC), and the engine takes the
 * preprocessor's heap {@code float[]} (its vision towers unfold it into patches on the heap before
 * any backend, CPU or CUDA, sees it). The Arrow hop this replaced copied every pixel twice (into
 * Arrow memory value by value, then back into a new {@code float[]}) and every result twice:
 * measured on a 2-core VM, 0.55 ms per 64x64 image and 15 ms per 384x384 image (best of 60 batches
 * of 16), off-heap memory peaking at 1.8x a batch's pixels. Feeding the engine Arrow without a copy
 * instead would put Arrow buffers into every vision tower of gpu-runtime, which has no Arrow and is
 * usable alone, to save nothing: results are a dozen scalars per image. So the preprocessor's array
 * is the one the engine reads, and outcomes become rows directly; data leaves the JVM only as the
 * Parquet that Spark writes.
 */
public final class PartitionCaptioner implements MapPartitionsFunction<Row, Row>, Serializable {

    /**
     * Test hook: a partition id whose first attempt fails after emitting a row, to check retries.
     * Read from a system property on the executor, so it is absent in real runs.
     */
    public static final String FAIL_FIRST_ATTEMPT_PROPERTY = "dvlcap.test.failFirstAttemptOfPartition";

    private static final int ERROR_INDEX = CaptionRows.SCHEMA.fieldIndex(CaptionsTableSchema.ERROR);

    private final EngineSpec spec;
    private final HadoopConf conf;
    private final String runId;
    private final int batchSize;
    private final LongAccumulator imagesDone;
    private final LongAccumulator imagesFailed;

    public PartitionCaptioner(EngineSpec spec, HadoopConf conf, String runId, int batchSize,
                              LongAccumulator imagesDone, LongAccumulator imagesFailed) {
        this.spec = spec;
        this.conf = conf;
        this.runId = runId;
        this.batchSize = batchSize;
        this.imagesDone = imagesDone;
        this.imagesFailed = imagesFailed;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        String gpu = gpu(task);
        BatchCaptioner captioner = EngineHolder.get(spec, gpu, conf);
        CaptionIterator it = new CaptionIterator(input, captioner, failHook(task), gpu);
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) ctx -> it.close());
        }
        return it;
    }

    private static String gpu(TaskContext task) {
        if (task == null) {
            return null;
        }
        Map<String, ResourceInformation> resources = task.resourcesJMap();
        ResourceInformation gpu = resources == null ? null : resources.get("gpu");
        return gpu == null || gpu.addresses().length == 0 ? null : gpu.addresses()[0];
    }

    private static boolean failHook(TaskContext task) {
        String p = System.getProperty(FAIL_FIRST_ATTEMPT_PROPERTY);
        return p != null && task != null && task.attemptNumber() == 0 && Integer.toString(task.partitionId()).equals(p);
    }

    /** Submitted batch: its pending results and what the rows need beside them. */
    private record InFlight(PendingBatch pending, List<String> ids, List<String> sources) {
    }

    private final class CaptionIterator implements Iterator<Row>, AutoCloseable {
        private final Iterator<Row> input;
        private final BatchCaptioner captioner;
        private final boolean failAfterFirstRow;
        /** The GPU address Spark gave this task, recorded in every row; null without one. */
        private final String gpu;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private final ImageBytesReader reader = new ImageBytesReader(conf.get());
        private InFlight inFlight;
        private long emitted;
        private boolean closed;

        CaptionIterator(Iterator<Row> input, BatchCaptioner captioner, boolean failAfterFirstRow, String gpu) {
            this.gpu = gpu;
            this.input = input;
            this.captioner = captioner;
            this.failAfterFirstRow = failAfterFirstRow;
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty()) {
                if (inFlight == null && !input.hasNext()) {
                    close();
                    injectFailure();
                    return false;
                }
                // Submit the next batch before waiting on the current one: decoding overlaps the engine.
                InFlight next = input.hasNext() ? submitNext() : null;
                if (inFlight != null) {
                    collect(inFlight);
                }
                inFlight = next;
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (emitted == 1) {
                injectFailure();
            }
            emitted++;
            return ready.poll();
        }

        private void injectFailure() {
            if (failAfterFirstRow) {
                throw new IllegalStateException("injected failure (" + FAIL_FIRST_ATTEMPT_PROPERTY + ")");
            }
        }

        private InFlight submitNext() {
            List<PreparedImage> images = new ArrayList<>(batchSize);
            List<String> ids = new ArrayList<>(batchSize);
            List<String> sources = new ArrayList<>(batchSize);
            while (images.size() < batchSize && input.hasNext()) {
                Row row = input.next();
                String id = row.getAs(InputColumns.ID);
                ids.add(id);
                sources.add(row.getAs(InputColumns.SOURCE));
                images.add(prepare(id, row));
            }
            return new InFlight(captioner.submit(images), ids, sources);
        }

        private PreparedImage prepare(String id, Row row) {
            Object image = row.getAs(InputColumns.IMAGE);
            if (image instanceof Row struct) {
                return prepared(id, () -> captioner.preprocess(SparkImageStruct.toRgb(struct, id)));
            }
            byte[] bytes = (byte[]) image;
            if (bytes == null) {
                String path = row.getAs(InputColumns.PATH);
                if (path == null) {
                    return PreparedImage.failed(id, "no image bytes (null " + InputColumns.IMAGE + " column)");
                }
                try {
                    bytes = reader.read(path);
                } catch (IOException e) {
                    if (!ImageBytesReader.isFileFault(e)) {
                        throw new java.io.UncheckedIOException("cannot read " + path + " (the store failed, not the "
                                + "file: the task fails so that it is retried): " + e.getMessage(), e);
                    }
                    return PreparedImage.failed(id, "cannot read " + path + ": " + e.getMessage());
                }
            }
            byte[] encoded = bytes;
            return prepared(id, () -> captioner.prepare(encoded, id));
        }

        private static PreparedImage prepared(String id, Supplier<VisionInput> preparation) {
            try {
                return PreparedImage.ok(id, preparation.get());
            } catch (RuntimeException e) {
                // A bad image is data, not a task failure: its message goes into the error column.
                String message = e.getMessage();
                return PreparedImage.failed(id, message == null || message.isBlank() ? e.toString() : message);
            }
        }

        private void collect(InFlight batch) {
            for (Row row : CaptionRows.of(batch.pending().await(), batch.ids(), batch.sources(),
                    captioner.provenance(), gpu, runId)) {
                ready.add(row);
                imagesDone.add(1);
                if (!row.isNullAt(ERROR_INDEX)) {
                    imagesFailed.add(1);
                }
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                // Drops this task's hold on its last batch (pixels and pending results) even when
                // the task fails mid-partition; the shared engine releases its own references as
                // its requests finish.
                inFlight = null;
            }
        }
    }
}
