package dvlcap.bench;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.model.TextConfig;
import dvlcap.nn.KvCache;
import dvlcap.nn.KvPool;
import dvlcap.nn.Qwen2Model;
import dvlcap.nn.Segment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times single LM forwards of {@code q} new rows for each of {@code batch} sequences over caches
 * of {@code context} positions, then the logits of every new row and their argmax: what one
 * decoding step costs. Owns one KV pool for the batch (as the engine has: one attention call
 * per layer) and releases it on {@link #close}.
 *
 * <p>The caches are taken as full without a prefill: attention costs the same whatever the keys
 * hold, and a prefill of a big shape would dominate a run. Each forward embeds fresh random ids
 * (untimed), so no forward is a repeat of the last one.
 */
public final class ForwardTimer implements AutoCloseable {
    private final Backend backend;
    private final Qwen2Model lm;
    private final KvPool pool;
    private final List<KvCache> caches = new ArrayList<>();
    private final Tensor x;
    private final int context, q;
    private final int[] logitRows, ids;
    private final float[] confidence;
    private final SplittableRandom random = new SplittableRandom(1);

    public ForwardTimer(Backend backend, Qwen2Model lm, int context, int batch, int q) {
        this.backend = backend;
        this.lm = lm;
        this.context = context;
        this.q = q;
        int pageSize = KvPool.DEFAULT_PAGE_SIZE;
        this.pool = lm.newPool(pageSize, batch * ((context + q + pageSize - 1) / pageSize));
        try {
            for (int s = 0; s < batch; s++) {
                KvCache cache = pool.newCache(context + q);
                caches.add(cache);
                cache.commit(context);
            }
            this.x = backend.allocate(batch * q * lm.config().hiddenSize());
        } catch (RuntimeException e) {
            releaseCaches();
            throw e;
        }
        this.logitRows = new int[batch * q];
        for (int i = 0; i < logitRows.length; i++) {
            logitRows[i] = i;
        }
        this.ids = new int[batch * q];
        this.confidence = new float[batch * q];
    }

    /** Milliseconds of one forward, its logits and their argmax. */
    public double forwardMs() {
        TextConfig c = lm.config();
        lm.embed(x, 0, random.ints(ids.length, 0, c.vocabSize()).toArray());
        List<Segment> segments = new ArrayList<>();
        for (KvCache cache : caches) {
            segments.add(new Segment(cache, context, q, q));
        }
        long t0 = System.nanoTime();
        lm.forward(x, segments);
        Tensor logits = lm.logits(x, logitRows);
        backend.argmaxConfidence(logits, logitRows.length, c.vocabSize(), ids, confidence);
        return (System.nanoTime() - t0) / 1e6;
    }

    /**
     * Bytes a forward reads from memory at the least: the weights of its matmuls and, for every
     * sequence, the float32 keys and values of all its positions in every layer.
     */
    public long bytesRead() {
        TextConfig c = lm.config();
        return lm.matmulWeightBytes() + (long) caches.size() * (context + q) * c.numLayers() * 2L * c.kvDim() * Float.BYTES;
    }

    /** The median of {@code values} (the upper one of an even count); sorts a copy. */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private void releaseCaches() {
        caches.forEach(KvCache::close); // before the pool closes: it checks every page came back
        caches.clear();
        pool.close();
    }

    @Override
    public void close() {
        try {
            x.close();
        } finally {
            releaseCaches();
        }
    }
}
