package dvlcap.trainer.eval;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Warms the JIT up before a timed run: runs the warm-up work twice, and again while a pass is
 * clearly faster than the one before (at most {@link #MAX_PASSES}), then lets the compiler finish
 * what the last pass queued. C2 compiles the vector kernels on its own thread a second or more after they get
 * hot: on the embedded models a batch-1 AR pass of 32 captions took 5.5, 1.2, 0.73, 0.52 s in a
 * row, so one pass left the first configuration of an eval (AR) timing partly compiled code while
 * the later ones ran warm, which skewed their ratios.
 */
final class JitWarmup {
    static final int MAX_PASSES = 4;
    /** A pass at least this much faster than the one before says the code was still warming up. */
    static final double STILL_WARMING = 0.9;
    /** The compiler counts as quiet after this long without a finished compilation. */
    static final long QUIET_MS = 300;
    static final long MAX_WAIT_MS = 2_000;

    private JitWarmup() {
    }

    /** Runs {@code pass} until it stops getting faster; returns how many passes ran. */
    static int run(Runnable pass) {
        int n = passes(pass, System::nanoTime);
        awaitQuiet();
        return n;
    }

    /** The passes alone, timed with {@code clock} (nanoseconds). */
    static int passes(Runnable pass, java.util.function.LongSupplier clock) {
        long previous = Long.MAX_VALUE;
        int n = 0;
        while (n < MAX_PASSES) {
            long t0 = clock.getAsLong();
            pass.run();
            long ns = clock.getAsLong() - t0;
            n++;
            if (ns > STILL_WARMING * previous) {
                break;
            }
            previous = ns;
        }
        return n;
    }

    private static void awaitQuiet() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long start = System.nanoTime(), last = jit.getTotalCompilationTime(), quietSince = start;
        while ((System.nanoTime() - start) / 1_000_000 < MAX_WAIT_MS) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if ((System.nanoTime() - quietSince) / 1_000_000 >= QUIET_MS) {
                return;
            }
        }
    }
}
