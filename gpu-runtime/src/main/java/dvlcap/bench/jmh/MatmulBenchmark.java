package dvlcap.bench.jmh;

import dvlcap.backend.Backend;
import dvlcap.backend.BackendRequest;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.backend.VectorBackend;
import dvlcap.backend.Weight;
import dvlcap.model.StoredTensor;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Vector API vs scalar matmul on the engine's shapes. {@code shape} is {@code in x out} of one
 * Linear layer: Qwen2.5-0.5B q/o (896x896), k/v (896x128), gate/up (896x4864), down (4864x896),
 * and the tiny test model (128x128, 64x64). Throughput is calls per second; one call is
 * {@code 2 * rows * in * out} floating-point operations (docs/BENCHMARKS.md converts to GFLOP/s).
 * {@code dtype=bf16} holds the weight as bf16 in a direct buffer, as a mapped checkpoint does, which
 * the vector backend copies onto the heap in panels at the first call ({@code --heap-weights auto});
 * {@code bf16-mapped} leaves it in the buffer ({@code --heap-weights none}, the default). {@code -p
 * dtype=f32,bf16,bf16-mapped} compares them; other shapes with e.g. {@code -p shape=3584x18944}.
 * {@code weights=24} cycles through 24 distinct weights, so that they come from memory as in a
 * forward rather than from cache.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp CLASSPATH org.openjdk.jmh.Main MatmulBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MatmulBenchmark {

    @Param({"vector", "scalar"})
    public String backend;

    @Param({"896x896", "896x128", "896x4864", "4864x896", "128x128", "64x64"})
    public String shape;

    @Param({"1", "8", "16", "128"})
    public int rows;

    @Param({"f32"})
    public String dtype;

    @Param({"1"})
    public int weights;

    private Backend b;
    private Tensor x, out;
    private Weight[] w;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        String[] d = shape.split("x");
        int in = Integer.parseInt(d[0]), outDim = Integer.parseInt(d[1]);
        b = !backend.equals("vector") ? new ScalarBackend()
                : dtype.equals("bf16") ? new VectorBackend(BackendRequest.AUTO_HEAP_WEIGHTS) : new VectorBackend(0);
        Random r = new Random(1);
        float[] xs = new float[rows * in];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) r.nextGaussian();
        }
        w = new Weight[weights];
        for (int k = 0; k < weights; k++) {
            float[] ws = new float[outDim * in];
            for (int i = 0; i < ws.length; i++) {
                ws[i] = (float) r.nextGaussian() * 0.02f;
            }
            w[k] = dtype.startsWith("bf16") ? b.weight(StoredTensor.ofBf16(ws, outDim, in), outDim, in)
                    : b.weight(ws, outDim, in);
        }
        x = b.upload(xs);
        out = b.allocate(rows * outDim);
    }

    @Benchmark
    public void matmul() {
        b.matmul(out, x, w[next], null, rows);
        next = next + 1 == w.length ? 0 : next + 1;
    }
}
