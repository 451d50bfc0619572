package dvlcap.bench;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.backend.VectorBackend;
import dvlcap.backend.Weight;
import dvlcap.model.StoredTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The Java side of {@code bench/compare-cpu.sh}: times {@code VectorBackend.matmul} on given shapes
 * and row counts (the fastest of repeated calls: the machine may be shared), and a plain parallel read of a large float array
 * (the memory bandwidth a kernel can hope for). Prints one tab-separated line per measurement:
 * {@code matmul <dtype> <in>x<out> <rows> <ms>} and {@code read <MiB> <GB/s>}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ... dvlcap.bench.CpuKernelTimer \
 *     --shapes 896x896,896x4864 --rows 1,16,128 --dtypes f32,bf16 --read-mib 1024 --seconds 1
 * </pre>
 */
public final class CpuKernelTimer {
    private CpuKernelTimer() {
    }

    public static void main(String[] args) {
        String shapes = "896x896,896x128,896x4864,4864x896";
        String rowsList = "1,16,128";
        String dtypes = "f32";
        int readMib = 1024;
        double seconds = 1.0;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--shapes" -> shapes = args[i + 1];
                case "--rows" -> rowsList = args[i + 1];
                case "--dtypes" -> dtypes = args[i + 1];
                case "--read-mib" -> readMib = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Backend b = new VectorBackend();
        for (int pass = 0; pass < 2; pass++) {
            // pass 0 warms the JIT up on every shape; pass 1 measures
            boolean measure = pass == 1;
            for (String dtype : dtypes.split(",")) {
            for (String shape : shapes.split(",")) {
                String[] d = shape.split("x");
                int in = Integer.parseInt(d[0]), outDim = Integer.parseInt(d[1]);
                Random r = new Random(1);
                float[] ws = new float[outDim * in];
                for (int i = 0; i < ws.length; i++) {
                    ws[i] = (float) r.nextGaussian() * 0.02f;
                }
                Weight w = dtype.equals("bf16") ? b.weight(StoredTensor.ofBf16(ws, outDim, in), outDim, in) : b.weight(ws, outDim, in);
                for (String rs : rowsList.split(",")) {
                    int rows = Integer.parseInt(rs);
                    float[] xs = new float[rows * in];
                    for (int i = 0; i < xs.length; i++) {
                        xs[i] = (float) r.nextGaussian();
                    }
                    Tensor x = b.upload(xs);
                    Tensor out = b.allocate(rows * outDim);
                    double ms = time(() -> b.matmul(out, x, w, null, rows), measure ? seconds : seconds / 4);
                    if (!measure) {
                        continue;
                    }
                    System.out.printf("matmul\t%s\t%s\t%d\t%.6f%n", dtype, shape, rows, ms);
                    System.out.flush();
                }
            }
        }
        }
        if (readMib > 0) {
            System.out.printf("read\t%d\t%.3f%n", readMib, readBandwidth(readMib, threads, seconds));
        }
    }

    /** Fastest ms of one call: warm-up for {@code seconds}, then calls for {@code seconds} (at least 5). */
    static double time(Runnable call, double seconds) {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        while (System.nanoTime() - start < budget) {
            call.run();
        }
        List<Long> times = new ArrayList<>();
        start = System.nanoTime();
        while (times.size() < 5 || System.nanoTime() - start < budget) {
            long t = System.nanoTime();
            call.run();
            times.add(System.nanoTime() - t);
        }
        long[] a = times.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a[0] / 1e6;
    }

    /** GB/s of reading a {@code mib} MiB float array split over {@code threads} threads (fastest pass). */
    static double readBandwidth(int mib, int threads, double seconds) {
        try (MemoryRead read = new MemoryRead(mib, threads)) {
            return read.gbPerS(time(read::passMs, seconds));
        }
    }
}
