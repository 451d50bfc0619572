package dvlcap.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A plain parallel read, the yardstick of a kernel that streams memory: one pass sums a float
 * array far larger than the caches, one contiguous part per thread, with the Vector API. Owns the
 * array and its threads; {@link #close} stops the threads.
 */
public final class MemoryRead implements AutoCloseable {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final float[] a;
    private final int threads;
    private final ExecutorService pool;
    /** Keeps the sums alive so the JIT cannot drop the loads. */
    private volatile float sink;

    /** An array of {@code mib} MiB read by {@code threads} threads. */
    public MemoryRead(int mib, int threads) {
        if (mib < 1 || threads < 1) {
            throw new IllegalArgumentException("a read of " + mib + " MiB over " + threads + " threads");
        }
        this.a = new float[Math.toIntExact((long) mib * (1 << 20) / Float.BYTES)];
        for (int i = 0; i < a.length; i++) {
            a[i] = i & 7; // every page written: the read faults nothing in
        }
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dvlcap-memory-read");
            t.setDaemon(true);
            return t;
        });
    }

    /** Bytes one pass reads. */
    public long bytes() {
        return (long) a.length * Float.BYTES;
    }

    /** Threads one pass runs on. */
    public int threads() {
        return threads;
    }

    /** Milliseconds of one pass over the whole array. */
    public double passMs() {
        int per = (a.length / threads) & ~(S.length() * 4 - 1);
        long t0 = System.nanoTime();
        List<Future<Float>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int lo = t * per, hi = t == threads - 1 ? a.length : lo + per;
            parts.add(pool.submit(() -> sum(a, lo, hi)));
        }
        float s = 0;
        try {
            for (Future<Float> f : parts) {
                s += f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading memory", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        sink += s;
        return ms;
    }

    /** GB/s (10^9 bytes) of a pass that took {@code ms}. */
    public double gbPerS(double ms) {
        return bytes() / (ms * 1e6);
    }

    private static float sum(float[] a, int lo, int hi) {
        int l = S.length();
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int i = lo;
        for (; i + 4 * l <= hi; i += 4 * l) {
            s0 = s0.add(FloatVector.fromArray(S, a, i));
            s1 = s1.add(FloatVector.fromArray(S, a, i + l));
            s2 = s2.add(FloatVector.fromArray(S, a, i + 2 * l));
            s3 = s3.add(FloatVector.fromArray(S, a, i + 3 * l));
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < hi; i++) {
            s += a[i];
        }
        return s;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
