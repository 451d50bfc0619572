package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
    /**
     * Several threads call one pool at once, as engines sharing the process's pool do: every call
     * must see each of its parts run exactly once, with its own body (a second caller's job must
     * neither run the first's parts nor lose them).
     */
    @Test
    void concurrentCallersEachRunEveryPartExactlyOnce() throws Exception {
        WorkerPool pool = new WorkerPool(3);
        int callers = 4, calls = 3000;
        ExecutorService ex = Executors.newFixedThreadPool(callers);
        try {
            CyclicBarrier start = new CyclicBarrier(callers);
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                results.add(ex.submit(() -> {
                    SplittableRandom r = new SplittableRandom(caller);
                    start.await();
                    int checked = 0;
                    for (int call = 0; call < calls; call++) {
                        int parts = 1 + r.nextInt(40);
                        long tag = (long) caller << 32 | call;
                        AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                        long[] out = new long[parts];
                        pool.forEach(parts, p -> {
                            runs.incrementAndGet(p);
                            out[p] = tag * 64 + p;
                        });
                        for (int p = 0; p < parts; p++) {
                            assertEquals(1, runs.get(p), "part " + p + " of call " + call + " of caller " + caller);
                            assertEquals(tag * 64 + p, out[p], "part " + p + "'s result seen by its caller");
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : results) {
                assertTrue(f.get(2, TimeUnit.MINUTES) >= calls);
            }
        } finally {
            ex.shutdownNow();
        }
    }

    /** Parts really spread over the threads when the pool is free (else the pool is pointless). */
    @Test
    void aLoneCallerSharesItsPartsWithTheWorkers() {
        WorkerPool pool = new WorkerPool(2);
        Thread caller = Thread.currentThread();
        boolean[] elsewhere = {false};
        for (int call = 0; call < 10_000 && !elsewhere[0]; call++) {
            pool.forEach(8, p -> {
                if (Thread.currentThread() != caller) {
                    elsewhere[0] = true; // one writer suffices; the caller reads it after the join
                }
                Thread.onSpinWait();
            });
        }
        assertTrue(elsewhere[0], "no part of 10,000 calls ran on a worker");
    }

    /** A part that calls the pool back gets all of its inner parts run (its job and the outer one interleave). */
    @Test
    void nestedCallsRunEveryInnerPart() {
        WorkerPool pool = new WorkerPool(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(6 * 7);
        pool.forEach(6, p -> pool.forEach(7, q -> runs.incrementAndGet(p * 7 + q)));
        for (int i = 0; i < runs.length(); i++) {
            assertEquals(1, runs.get(i), "inner part " + i);
        }
    }

    /** A part's exception reaches the caller, after which the pool still runs calls. */
    @Test
    void aFailingPartThrowsInTheCallerAndLeavesThePoolUsable() {
        WorkerPool pool = new WorkerPool(2);
        IllegalArgumentException boom = new IllegalArgumentException("part 5");
        for (int round = 0; round < 50; round++) {
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> pool.forEach(8, p -> {
                if (p == 5) {
                    throw boom;
                }
            }));
            assertSame(boom, thrown);
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            pool.forEach(8, runs::incrementAndGet);
            for (int p = 0; p < 8; p++) {
                assertEquals(1, runs.get(p));
            }
        }
    }

    /** Workers left idle stop spinning and park: an idle pool must not hold a core. */
    @Test
    void idleWorkersPark() throws Exception {
        WorkerPool pool = new WorkerPool(3);
        pool.forEach(8, p -> { });
        List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("dvlcap-vector-")).toList();
        assertTrue(workers.size() >= 2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (workers.stream().anyMatch(t -> t.getState() != Thread.State.WAITING) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        for (Thread t : workers) {
            assertEquals(Thread.State.WAITING, t.getState(), t.getName() + " still running after 30 s idle");
        }
    }

    @Test
    void aFinishedCallLeavesNoReferenceToItsArrays() throws Exception {
        WorkerPool pool = new WorkerPool(2);
        WeakReference<float[]> ref = callOnce(pool);
        // the pool's latest job and each worker's last job outlive the call: they must not keep
        // the call's body (and so its arrays, e.g. a forward's logits) reachable
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(ref.get() == null, "the last call's array is still reachable from the pool");
    }

    private static WeakReference<float[]> callOnce(WorkerPool pool) {
        float[] big = new float[1 << 20];
        pool.forEach(8, p -> big[p] = p);
        assertEquals(7f, big[7]);
        return new WeakReference<>(big);
    }
}
