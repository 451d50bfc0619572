package dvlcap.backend;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed pool of one worker per core, less the caller's, that runs the parts of one kernel call.
 * Shared by all vector backends of the process so that creating backends (tests, benchmarks)
 * never multiplies threads; the workers are daemons.
 *
 * <p>Why not a ForkJoinPool: waking a parked worker and joining it cost about 40 microseconds
 * a call, as long as a 1-row 896x896 matmul on one core, so small calls could not use a second
 * core. Here the caller publishes a job in a volatile field and every thread (caller included)
 * claims parts from the job's counter; a worker that finished spins for {@link #SPIN_NANOS} on
 * that field before it parks, so the calls of one forward, microseconds apart, reach running
 * workers. The spin is bounded: an idle pool parks and burns nothing.
 *
 * <p>Several callers at once (engines sharing the pool, or a part that calls back into it): each
 * publishes its job and claims its parts until none is left, so every job completes even if no
 * worker ever sees it; the workers help whichever job is the latest. Every part runs exactly once,
 * and which thread runs it never changes its result.
 */
final class WorkerPool {
    /**
     * How long a worker spins for the next job, and the caller for the workers' last parts, before
     * parking; {@code dvlcap.pool.spinMicros} overrides it. 50 us covers the gap between most
     * kernel calls of a forward (norms, rope, adds: a few us each) and costs at most that much CPU
     * once the calls stop. Longer (100 us) was slower on a 2-core machine busy with other
     * processes: a spinning thread takes the core from the thread it waits for.
     */
    static final long SPIN_NANOS = Long.getLong("dvlcap.pool.spinMicros", 50) * 1000;

    private static final WorkerPool SHARED = new WorkerPool(Runtime.getRuntime().availableProcessors());

    private final int threads;
    private final Worker[] workers;
    /** The latest job; workers run it when it differs from the last one they saw. */
    private volatile Job job;

    WorkerPool(int threads) {
        this.threads = Math.max(1, threads);
        this.workers = new Worker[this.threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this);
            Thread t = new Thread(workers[i], "dvlcap-vector-" + i);
            t.setDaemon(true);
            workers[i].thread = t;
            t.start();
        }
    }

    static WorkerPool shared() {
        return SHARED;
    }

    /** Threads that run the parts of a call: the workers and the caller. */
    int threads() {
        return threads;
    }

    /** Runs {@code body(p)} once for every {@code p < parts}, in parallel when there are several. */
    void forEach(int parts, IntConsumer body) {
        if (parts <= 1 || threads == 1) {
            for (int p = 0; p < parts; p++) {
                body.accept(p);
            }
            return;
        }
        Job j = new Job(parts, body, Thread.currentThread());
        job = j;
        // after the write of `job`: a worker that set `parked` before it reads `job` again is seen
        // here (both volatile), so none sleeps through a job
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w.thread);
            }
        }
        j.work();
        j.await();
        j.release();
        j.rethrow();
    }

    private static final class Worker implements Runnable {
        private final WorkerPool pool;
        Thread thread;
        volatile boolean parked;

        Worker(WorkerPool pool) {
            this.pool = pool;
        }

        @Override
        public void run() {
            Job last = null;
            while (true) {
                last = next(last);
                last.work();
            }
        }

        /** The first job other than {@code last}: spinning for a while, then parked until woken. */
        private Job next(Job last) {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (true) {
                Job j = pool.job;
                if (j != last) {
                    return j;
                }
                if (System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (pool.job == last) {
                    LockSupport.park(this);
                }
                parked = false;
                deadline = System.nanoTime() + SPIN_NANOS;
            }
        }
    }

    /**
     * One call's parts, claimed one at a time from {@code next}. A worker that reaches a job late
     * finds nothing left to claim, so a stale job is never run twice.
     */
    private static final class Job {
        private final int parts;
        /** Dropped once every part has run, so a stale job holds no arrays of the call it ran. */
        private IntConsumer body;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private volatile boolean waiting;
        private volatile Throwable failure;

        Job(int parts, IntConsumer body, Thread caller) {
            this.parts = parts;
            this.body = body;
            this.caller = caller;
        }

        void work() {
            for (int p; (p = next.getAndIncrement()) < parts; ) {
                try {
                    if (failure == null) {
                        body.accept(p);
                    }
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                } finally {
                    if (done.incrementAndGet() == parts && waiting) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        /** Until every part has run: spinning for a while, then parked until the last part wakes it. */
        void await() {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (done.get() < parts) {
                if (System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                } else {
                    waiting = true;
                    if (done.get() < parts) {
                        LockSupport.park(this);
                    }
                }
            }
        }

        /**
         * After {@link #await}: every part is claimed and finished, so no thread reads {@code body}
         * again (a late worker finds nothing to claim); the pool's and the workers' references to
         * this job then keep only the object itself, not the last call's arrays.
         */
        void release() {
            body = null;
        }

        /** A part's exception, on the caller's thread, once all parts are done. */
        void rethrow() {
            Throwable t = failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
