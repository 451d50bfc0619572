package dvlcap.devicecheck;

import dvlcap.backend.Backend;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import dvlcap.backend.cuda.CudaBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Times {@link Backend#matmul} (our GEMM kernels: fp32 activations, bf16 weights) on the engine's
 * projection shapes for rows 1..512, for the device check; device_bench.py times torch.matmul in
 * bf16 on the same shapes and rows. Writes CSV: shape,K,M,rows,ms,tflops,weight_gbps.
 *
 * <pre>java -cp ... dvlcap.devicecheck.GemmBench [--backend cuda|scalar] [--out FILE] [--rows 1,8,...] [--shapes name:K:M,...]</pre>
 */
public final class GemmBench {
    /** Qwen2.5-VL-3B's LM: q/o 2048x2048, k/v 2048x256, gate/up 2048x11008, down 11008x2048, lm_head 2048x151936. */
    static final String DEFAULT_SHAPES = "q_o:2048:2048,k_v:2048:256,gate_up:2048:11008,down:11008:2048,lm_head:2048:151936";
    static final String DEFAULT_ROWS = "1,2,4,8,16,32,64,128,256,512";

    private GemmBench() {
    }

    public static void main(String[] args) throws IOException {
        String backend = "cuda", shapes = DEFAULT_SHAPES, rowsList = DEFAULT_ROWS;
        Path out = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--backend" -> backend = args[i + 1];
                case "--out" -> out = Path.of(args[i + 1]);
                case "--rows" -> rowsList = args[i + 1];
                case "--shapes" -> shapes = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("shape,K,M,rows,ms,tflops,weight_gbps");
        PrintStream log = System.out;
        try (Backend b = open(backend)) {
            log.println("# GemmBench on " + b.name());
            for (String s : shapes.split(",")) {
                String[] p = s.split(":");
                String name = p[0];
                int k = Integer.parseInt(p[1]), m = Integer.parseInt(p[2]);
                float[] w = new float[Math.multiplyExact(k, m)];
                long seed = 0x9E3779B97F4A7C15L ^ k * 31L + m;
                for (int i = 0; i < w.length; i++) {
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                    w[i] = ((seed >>> 40) / (float) (1 << 24) - 0.5f) * 0.05f;
                }
                try (Weight wt = b.weight(w, m, k)) {
                    w = null;
                    for (String r : rowsList.split(",")) {
                        int rows = Integer.parseInt(r.trim());
                        lines.add(time(b, name, wt, rows, k, m, log));
                    }
                }
            }
        }
        if (out != null) {
            Files.write(out, lines);
        }
    }

    private static String time(Backend b, String name, Weight w, int rows, int k, int m, PrintStream log) {
        float[] x = new float[rows * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 2654435761L) % 2001 - 1000) / 1000f;
        }
        try (Tensor in = b.upload(x); Tensor out = b.allocate(rows * m)) {
            for (int i = 0; i < 3; i++) {
                b.matmul(out, in, w, null, rows);
            }
            sync(b);
            // enough iterations for ~50 ms, at least 5
            long t0 = System.nanoTime();
            b.matmul(out, in, w, null, rows);
            sync(b);
            double one = Math.max(1e-6, (System.nanoTime() - t0) / 1e9);
            int iters = (int) Math.max(5, Math.min(2000, 0.05 / one));
            t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) {
                b.matmul(out, in, w, null, rows);
            }
            sync(b);
            double s = (System.nanoTime() - t0) / 1e9 / iters;
            double tflops = 2.0 * rows * k * m / s / 1e12;
            double gbps = 2.0 * k * m / s / 1e9; // bf16 weight bytes per second
            String line = String.format(java.util.Locale.ROOT, "%s,%d,%d,%d,%.4f,%.3f,%.1f", name, k, m, rows, s * 1e3,
                    tflops, gbps);
            log.println(line);
            return line;
        }
    }

    /** cuda (failing with the reason when it cannot start) or scalar (to try the bench without a GPU). */
    private static Backend open(String name) {
        if (name.equals("scalar")) {
            return new ScalarBackend();
        }
        if (!name.equals("cuda")) {
            throw new IllegalArgumentException("--backend cuda or scalar, not " + name);
        }
        StringBuilder why = new StringBuilder();
        return CudaBackend.tryCreate(why::append)
                .orElseThrow(() -> new IllegalStateException("CUDA backend unavailable: " + why));
    }

    private static void sync(Backend b) {
        if (b instanceof CudaBackend c) {
            c.synchronize();
        }
    }
}
