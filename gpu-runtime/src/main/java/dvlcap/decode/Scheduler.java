package dvlcap.decode;

import dvlcap.backend.Backend;
import dvlcap.backend.DeviceOutOfMemoryException;
import dvlcap.backend.Tensor;
import dvlcap.image.VisionInput;
import dvlcap.nn.BatchForward;
import dvlcap.nn.InputRows;
import dvlcap.nn.KvCache;
import dvlcap.nn.KvPool;
import dvlcap.nn.LlavaModel;
import dvlcap.nn.Qwen2Model;
import dvlcap.nn.RopePositions;
import dvlcap.nn.VisionEncoder;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Continuous batching (DESIGN.md §4): every {@link #step()} runs one forward over all active
 * sequences, each contributing its own rows against its own cache; finished sequences leave and
 * waiting ones join at once, as long as the batch size and the KV pool allow. The forward itself
 * (input rows, logits, choices) is {@link BatchForward}'s; this class only schedules.
 *
 * <p>Memory: a sequence is admitted only when the engine's {@link KvPool} can reserve every page it
 * may need (prompt + most new tokens, rounded up to blocks); otherwise it waits, in order, until
 * running sequences finish and give their pages back. Device memory outside the pool (activations)
 * may still run out; then the batch shrinks as a last resort. Single-threaded: call it from one thread.
 *
 * <p>Vision: images come from a {@link VisionQueue}, encoded at admission or ahead of it on a thread
 * of their own; admission takes jobs in order and never waits for an image while sequences run.
 */
public final class Scheduler implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Scheduler.class);

    /**
     * A caption waiting for its turn: the prompt's ids (image rows as {@link InputRows#IMAGE}), and
     * for an M-RoPE model the rotary positions of its rows (null: positions are cache slots).
     */
    public record Job(String id, int[] prompt, VisionInput image, Object tag, RopePositions positions) {
        public Job(String id, int[] prompt, VisionInput image, Object tag) {
            this(id, prompt, image, tag, null);
        }
    }

    /** A finished caption and what it cost. */
    public record Finished(Job job, int[] answer, int generated, int blocks, int forwards, double visionMs,
                           double prefillMs, double decodeMs) {
    }

    /** A caption that failed alone (bad input); the rest of the batch goes on. */
    public record Failed(Job job, RuntimeException error) {
    }

    public interface Listener {
        void finished(Finished f);

        void failed(Failed f);
    }

    private static final class Active {
        final Job job;
        final Sequence seq;
        final Tensor image;
        int forwards;
        double visionMs, prefillMs, decodeMs;

        Active(Job job, Sequence seq, Tensor image) {
            this.job = job;
            this.seq = seq;
            this.image = image;
        }
    }

    private final Qwen2Model lm;
    private final Backend backend;
    private final SequenceFactory factory;
    private final KvPool pool;
    private final Listener listener;
    /** Jobs not yet admitted, in order, with their images encoded at admission or ahead of it. */
    private final VisionQueue waiting;
    private final List<Active> active = new ArrayList<>();
    private final BatchShrinkPolicy shrink = new BatchShrinkPolicy();
    private int batchCap;
    private boolean closed;
    /** Assembles and runs each step's forward; made at the first step. */
    private BatchForward batch;

    /**
     * @param pool where the sequences' keys and values live; owned by the caller, who closes it after
     *        this scheduler (every page has come back by then)
     */
    public Scheduler(LlavaModel model, SequenceFactory factory, int maxBatch, KvPool pool, Listener listener) {
        this(model.backend(), model.lm(), model.vision(), factory, maxBatch, pool, listener);
    }

    /**
     * A scheduler over a language model alone when {@code vision} is null (benchmarks of LM
     * shapes): jobs then carry no image and their prompts no image rows.
     */
    public Scheduler(Backend backend, Qwen2Model lm, VisionEncoder vision, SequenceFactory factory, int maxBatch,
                     KvPool pool, Listener listener) {
        this(backend, lm, VisionQueue.inline(vision), factory, maxBatch, pool, listener);
    }

    /**
     * A scheduler whose images come from {@code waiting} (encoded at admission or ahead of it, on
     * another thread); it owns the queue and closes it.
     */
    public Scheduler(Backend backend, Qwen2Model lm, VisionQueue waiting, SequenceFactory factory, int maxBatch,
                     KvPool pool, Listener listener) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + maxBatch);
        }
        this.lm = lm;
        this.waiting = waiting;
        this.backend = backend;
        this.factory = factory;
        this.batchCap = maxBatch;
        this.pool = pool;
        this.listener = listener;
    }

    public void add(Job job) {
        waiting.add(job);
    }

    public boolean idle() {
        return waiting.isEmpty() && active.isEmpty();
    }

    public int activeCount() {
        return active.size();
    }

    /** The batch size in force: the configured one, or less after running out of device memory. */
    public int batchCap() {
        return batchCap;
    }

    public int waitingCount() {
        return waiting.size();
    }

    /**
     * Admits what fits, runs one forward, retires finished sequences. False when there was nothing
     * to do. A forward that runs out of device memory shrinks the batch (the newest sequences go back
     * to the front of the queue and later restart from scratch, which leaves their captions
     * unchanged) and the next step retries; only a single sequence that does not fit fails.
     */
    public boolean step() {
        admit();
        if (active.isEmpty()) {
            return false;
        }
        try {
            forward();
        } catch (DeviceOutOfMemoryException oom) {
            shrinkAfter(oom);
        }
        return true;
    }

    private void shrinkAfter(DeviceOutOfMemoryException oom) {
        OptionalInt smaller = shrink.next(active.size());
        if (smaller.isEmpty()) {
            LOG.warn("a single sequence does not fit in device memory: failing it ({})", oom.getMessage());
            failActive(oom);
            return;
        }
        batchCap = smaller.getAsInt();
        LOG.warn("out of device memory with {} sequences; continuing with at most {} ({})", active.size(), batchCap,
                oom.getMessage());
        while (active.size() > batchCap) {
            Active a = active.remove(active.size() - 1);
            release(a);
            waiting.addFirst(a.job);
        }
    }

    /** Runs one forward over every active sequence; device memory may run out before any state changes. */
    private void forward() {
        List<BatchForward.Input> inputs = new ArrayList<>(active.size());
        for (Active a : active) {
            Work w = a.seq.next();
            inputs.add(new BatchForward.Input(a.seq.cache(), w.pos0(), w.ids(), w.maskBlock(), w.logitRows(), a.image,
                    w.imageRow0(), a.job.positions()));
        }
        if (batch == null) {
            batch = new BatchForward(backend, lm);
        }
        BatchForward.Result result = batch.run(inputs, !factory.settings().greedy());

        int vocab = lm.config().vocabSize();
        List<Active> finished = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            Active a = active.get(i);
            BatchForward.Choices c = result.choices().get(i);
            if (a.forwards == 0) {
                a.prefillMs = result.ms();
            } else {
                a.decodeMs += result.ms();
            }
            a.forwards++;
            a.seq.accept(c.ids(), c.confidence(), c.logits(), vocab);
            if (a.seq.done()) {
                finished.add(a);
            }
        }
        for (Active a : finished) {
            active.remove(a);
            release(a);
            listener.finished(new Finished(a.job, a.seq.answer(), a.seq.generated(), a.seq.blocks(), a.forwards,
                    a.visionMs, a.prefillMs, a.decodeMs));
        }
    }

    /** Fails every waiting and active sequence (the engine cannot go on) and frees their memory. */
    public void failAll(RuntimeException error) {
        failActive(error);
        for (Job job; (job = waiting.poll()) != null; ) {
            listener.failed(new Failed(job, error));
        }
    }

    /** Fails every active sequence (after a forward broke) and frees its memory. */
    public void failActive(RuntimeException error) {
        for (Active a : active) {
            release(a);
            listener.failed(new Failed(a.job, error));
        }
        active.clear();
    }

    /**
     * Admits waiting jobs in order while the batch and the KV pool allow. An image not encoded yet
     * makes admission stop, not wait, as long as there are sequences to decode; with none, it waits.
     */
    private void admit() {
        while (active.size() < batchCap && waiting.headReady(active.isEmpty())) {
            Job job = waiting.peek();
            KvCache cache;
            try {
                cache = pool.tryReserve(factory.capacity(job.prompt().length));
            } catch (IllegalArgumentException tooLong) {
                waiting.poll(); // no pool of this size could ever hold it
                listener.failed(new Failed(job, tooLong));
                continue;
            }
            if (cache == null) {
                return; // the pool is full: wait, in order, for running sequences to give pages back
            }
            Tensor image = null;
            try {
                VisionQueue.Encoded encoded = waiting.take(); // removes the job whatever happens
                image = encoded.image();
                Active a = new Active(job, factory.create(job.id(), job.prompt(), cache), image);
                a.visionMs = encoded.visionMs();
                active.add(a);
            } catch (RuntimeException e) {
                if (image != null) {
                    image.close();
                }
                cache.close();
                if (e instanceof DeviceOutOfMemoryException && !active.isEmpty()) {
                    // the vision tower found no room beside the running sequences: wait for them
                    waiting.addFirst(job);
                    batchCap = active.size();
                    return;
                }
                listener.failed(new Failed(job, e));
            } catch (Error e) {
                // fatal for the engine: free what this admission took and hand the job back, so
                // that the caller's failAll reaches it too
                if (image != null) {
                    image.close();
                }
                cache.close();
                waiting.addFirst(job);
                throw e;
            }
        }
    }

    private void release(Active a) {
        a.seq.cache().close();
        if (a.image != null) {
            a.image.close();
        }
    }

    /**
     * Fails what is running and waiting, stops the vision queue and frees every image it held.
     * Idempotent, so that an owner may call it after a failure that already failed everything.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            failAll(new IllegalStateException("engine closed"));
        } finally {
            waiting.close();
            if (batch != null) {
                batch.close();
                batch = null;
            }
        }
    }
}
