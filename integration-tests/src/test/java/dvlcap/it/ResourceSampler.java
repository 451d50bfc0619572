package dvlcap.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Samples this JVM's resources on a daemon thread while a run goes on: the live heap (after a full
 * GC, so garbage does not count), direct buffers, open file descriptors and threads.
 */
final class ResourceSampler {

    /** One sample; {@code fds} is -1 where /proc/self/fd does not exist. */
    record Sample(double seconds, long heap, long direct, long fds, int threads, int dvlcapThreads) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private final long t0 = System.nanoTime();
    private volatile boolean running = true;

    private ResourceSampler(long intervalMs) {
        thread = new Thread(() -> {
            while (running) {
                Sample s = sample();
                synchronized (samples) {
                    samples.add(s);
                }
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "dvlcap-resource-sampler");
        thread.setDaemon(true);
    }

    static ResourceSampler start(long intervalMs) {
        ResourceSampler s = new ResourceSampler(intervalMs);
        s.thread.start();
        return s;
    }

    void stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
        synchronized (samples) {
            samples.add(sample()); // the state after the run
        }
    }

    /** A sample taken now, on the calling thread (also kept in the curve). */
    Sample sampleNow() {
        Sample s = sample();
        synchronized (samples) {
            samples.add(s);
        }
        return s;
    }

    /**
     * The least live heap of {@code tries} samples {@code pauseMs} apart (also kept in the curve).
     * What a leak holds is held in every sample; what Spark's asynchronous bookkeeping of the last
     * job holds for a moment (listener-bus events, task results not yet cleaned) is not.
     */
    Sample settledSample(int tries, long pauseMs) throws InterruptedException {
        Sample least = sampleNow();
        for (int i = 1; i < tries; i++) {
            Thread.sleep(pauseMs);
            Sample s = sampleNow();
            if (s.heap() < least.heap()) {
                least = s;
            }
        }
        return least;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return samples.stream().sorted(java.util.Comparator.comparingDouble(Sample::seconds)).toList();
        }
    }

    private Sample sample() {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.count();
        } catch (IOException e) {
            fds = -1;
        }
        return new Sample((System.nanoTime() - t0) / 1e9, heap, direct, fds,
                ManagementFactory.getThreadMXBean().getThreadCount(),
                (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("dvlcap-"))
                        .filter(t -> t != thread).count());
    }

    static void writeCsv(List<Sample> samples, Path file) {
        StringBuilder sb = new StringBuilder("seconds,heap_live_mib,direct_kib,open_fds,threads,dvlcap_threads\n");
        for (Sample s : samples) {
            sb.append(String.format(Locale.ROOT, "%.1f,%.1f,%d,%d,%d,%d%n", s.seconds(), s.heap() / 1048576.0,
                    s.direct() >> 10, s.fds(), s.threads(), s.dvlcapThreads()));
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
