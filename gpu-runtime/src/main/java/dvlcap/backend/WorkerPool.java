package dvlcap.backend;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * A fixed pool of one worker per core that runs the parts of one kernel call. Shared by all
 * vector backends of the process so that creating backends (tests, benchmarks) never multiplies
 * threads; the workers are daemons and idle ones cost nothing.
 */
final class WorkerPool {
    private static final WorkerPool SHARED = new WorkerPool(Runtime.getRuntime().availableProcessors());

    private final ForkJoinPool pool;

    WorkerPool(int threads) {
        this.pool = new ForkJoinPool(Math.max(1, threads), p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("dvlcap-vector-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    static WorkerPool shared() {
        return SHARED;
    }

    int threads() {
        return pool.getParallelism();
    }

    /** Runs {@code body(p)} for every {@code p < parts}, in parallel when there are several. */
    void forEach(int parts, IntConsumer body) {
        if (parts <= 1 || threads() == 1) {
            for (int p = 0; p < parts; p++) {
                body.accept(p);
            }
            return;
        }
        if (ForkJoinTask.inForkJoinPool()) {
            pool.invoke(new Range(0, parts, body));
            return;
        }
        // The calling thread takes its share (the first parts / threads) instead of sleeping
        // while the workers run: one hand-off less per call, and its core is not left idle.
        int mine = Math.max(1, parts / threads());
        ForkJoinTask<Void> rest = pool.submit(new Range(mine, parts, body));
        try {
            for (int p = 0; p < mine; p++) {
                body.accept(p);
            }
        } finally {
            rest.join();
        }
    }

    /** Binary splitting so that idle workers steal halves. */
    private static final class Range extends RecursiveAction {
        private final int lo, hi;
        private final IntConsumer body;

        Range(int lo, int hi, IntConsumer body) {
            this.lo = lo;
            this.hi = hi;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                body.accept(lo);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Range(lo, mid, body), new Range(mid, hi, body));
        }
    }
}
