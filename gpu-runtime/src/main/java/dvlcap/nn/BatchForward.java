package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One engine step's forward over a batch: assembles the sequences' input rows (token embeddings and
 * image rows) into one activation buffer, runs the language model over all of them, takes logits of
 * the rows each sequence asked for, and hands back each sequence's choices (argmax ids and their
 * confidences, and host logits when sampling). Owns the input buffer, which grows with the batch
 * and is reused between steps. One thread at a time.
 *
 * <p>Nothing of the sequences changes here except their caches' tentative rows, so a forward that
 * runs out of device memory can be retried with fewer sequences.
 */
public final class BatchForward implements AutoCloseable {

    /**
     * One sequence's share of the forward: {@code ids} at cache positions {@code pos0 ..} (ids below
     * zero are image rows, taken in order from row {@code imageRow0} of {@code image}), attending
     * under {@code maskBlock}, with logits wanted at rows {@code logitRows} (indices into {@code ids}).
     *
     * @param image the sequence's projected image rows, or null when its ids hold none
     * @param positions the sequence's multimodal rotary positions, or null for positions = slots
     */
    public record Input(KvCache cache, int pos0, int[] ids, int maskBlock, int[] logitRows, Tensor image,
                        int imageRow0, RopePositions positions) {
        public Input {
            for (int r : logitRows) {
                if (r < 0 || r >= ids.length) {
                    throw new IllegalArgumentException("logit row " + r + " outside the " + ids.length + " input rows");
                }
            }
        }
    }

    /**
     * What the forward chose at one sequence's logit rows, in their order.
     *
     * @param logits {@code ids.length x vocab} host logits, or null when they were not asked for
     */
    public record Choices(int[] ids, float[] confidence, float[] logits) {
    }

    /**
     * Every sequence's choices, in input order, and the forward's time: LM forward, logits,
     * argmax/confidence and the host copy of logits; not the input assembly.
     */
    public record Result(List<Choices> choices, double ms) {
    }

    private final Backend backend;
    private final Qwen2Model lm;
    private Tensor input;

    public BatchForward(Backend backend, Qwen2Model lm) {
        this.backend = backend;
        this.lm = lm;
    }

    /** Runs one forward over {@code inputs}; {@code hostLogits} also copies their logit rows to the host. */
    public Result run(List<Input> inputs, boolean hostLogits) {
        int h = lm.config().hiddenSize(), vocab = lm.config().vocabSize();
        List<Segment> segments = new ArrayList<>(inputs.size());
        int rows = 0, logitRows = 0;
        for (Input in : inputs) {
            segments.add(new Segment(in.cache(), in.pos0(), in.ids().length, in.maskBlock(), in.positions()));
            rows += in.ids().length;
            logitRows += in.logitRows().length;
        }
        Tensor x = inputBuffer(rows * h);
        int[] gather = new int[logitRows];
        int row = 0, g = 0;
        for (Input in : inputs) {
            InputRows.fill(backend, lm, x, row, in.ids(), in.imageRow0(), in.image());
            for (int r : in.logitRows()) {
                gather[g++] = row + r;
            }
            row += in.ids().length;
        }

        long t0 = System.nanoTime();
        lm.forward(x, segments);
        Tensor logits = lm.logits(x, gather);
        int[] ids = new int[logitRows];
        float[] conf = new float[logitRows];
        backend.argmaxConfidence(logits, logitRows, vocab, ids, conf);
        float[] host = null;
        if (hostLogits) {
            host = new float[logitRows * vocab];
            backend.read(logits, 0, host, 0, host.length);
        }
        double ms = (System.nanoTime() - t0) / 1e6;

        List<Choices> choices = new ArrayList<>(inputs.size());
        g = 0;
        for (Input in : inputs) {
            int n = in.logitRows().length;
            choices.add(new Choices(Arrays.copyOfRange(ids, g, g + n), Arrays.copyOfRange(conf, g, g + n),
                    host == null ? null : Arrays.copyOfRange(host, g * vocab, (g + n) * vocab)));
            g += n;
        }
        return new Result(choices, ms);
    }

    /** The input buffer with room for {@code floats}, grown by half again when it is too small. */
    private Tensor inputBuffer(int floats) {
        if (input == null || input.size() < floats) {
            int size = Math.max(floats, input == null ? 0 : input.size() * 3 / 2);
            if (input != null) {
                input.close();
                input = null; // if the allocation below runs out of memory, nothing closed is kept
            }
            input = backend.allocate(size);
        }
        return input;
    }

    /** Frees the input buffer; a later {@link #run} allocates a new one. */
    @Override
    public void close() {
        if (input != null) {
            input.close();
            input = null;
        }
    }
}
