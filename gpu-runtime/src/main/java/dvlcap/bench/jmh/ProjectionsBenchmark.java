package dvlcap.bench.jmh;

import dvlcap.backend.Backend;
import dvlcap.backend.BackendRequest;
import dvlcap.backend.Projection;
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
 * A Qwen2.5-0.5B layer's projections of one input, as one {@code Backend.matmuls} call
 * ({@code fused=true}) or one {@code matmul} per weight ({@code fused=false}): {@code group=qkv}
 * (896 to 896, 128, 128) or {@code gateup} (896 to 4864, 4864). One call does every layer's group
 * in turn over {@code layers} distinct weight sets, so the weights come from memory as in a
 * forward. {@code dtype} is {@code f32} or {@code bf16} (packed on the heap). The two settings
 * side by side in one JVM:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector bench/CompareBuilds.java gpu-runtime/target/classes \
 *     gpu-runtime/target/classes ProjectionsBenchmark layers dtype=bf16 rows=1 group=qkv a.fused=false b.fused=true
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ProjectionsBenchmark {
    // initialised as the @Param defaults: CompareBuilds sets only the fields it is given
    @Param({"qkv", "gateup"})
    public String group = "qkv";

    @Param({"bf16", "f32"})
    public String dtype = "bf16";

    @Param({"1"})
    public int rows = 1;

    @Param({"24"})
    public int weights = 24;

    @Param({"true", "false"})
    public String fused = "true";

    private Backend b;
    private Tensor x;
    private Tensor[] outs;
    private Weight[][] w;

    @Setup(Level.Trial)
    public void setUp() {
        int in = 896;
        int[] widths = switch (group) {
            case "qkv" -> new int[] {896, 128, 128};
            case "gateup" -> new int[] {4864, 4864};
            default -> throw new IllegalArgumentException("group is qkv or gateup, not " + group);
        };
        b = new VectorBackend(dtype.equals("bf16") ? BackendRequest.AUTO_HEAP_WEIGHTS : 0);
        Random r = new Random(1);
        w = new Weight[weights][widths.length];
        for (int l = 0; l < weights; l++) {
            for (int k = 0; k < widths.length; k++) {
                float[] ws = new float[widths[k] * in];
                for (int i = 0; i < ws.length; i++) {
                    ws[i] = (float) r.nextGaussian() * 0.02f;
                }
                w[l][k] = dtype.equals("bf16") ? b.weight(StoredTensor.ofBf16(ws, widths[k], in), widths[k], in)
                        : b.weight(ws, widths[k], in);
            }
        }
        float[] xs = new float[rows * in];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) r.nextGaussian();
        }
        x = b.upload(xs);
        outs = new Tensor[widths.length];
        for (int k = 0; k < widths.length; k++) {
            outs[k] = b.allocate(rows * widths[k]);
        }
    }

    /** Every layer's group once. */
    @Benchmark
    public void layers() {
        boolean one = Boolean.parseBoolean(fused);
        for (Weight[] layer : w) {
            if (one) {
                Projection[] ps = new Projection[layer.length];
                for (int k = 0; k < layer.length; k++) {
                    ps[k] = new Projection(outs[k], layer[k], null);
                }
                b.matmuls(x, rows, ps);
            } else {
                for (int k = 0; k < layer.length; k++) {
                    b.matmul(outs[k], x, layer[k], null, rows);
                }
            }
        }
    }
}
