package dvlcap.bench.jmh;

import dvlcap.backend.Backend;
import dvlcap.backend.BatchLayout;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.backend.VectorBackend;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One layer's attention call ({@code Backend.batchedAttention}) for one sequence: {@code rows}
 * query rows (1: an AR step, 8: a block) at the end of a {@code keys}-position cache, block-causal
 * mask of {@code rows}. {@code heads} is {@code q heads x kv heads x head dim}: Qwen2.5-0.5B
 * (14x2x64), Qwen2.5-VL-3B's LM (16x2x128), SigLIP's tower (16x16x72, a head dim that leaves a
 * scalar tail at 16 lanes). {@code layers} 24 gives each call the next of 24 layers' K/V (about
 * 19 MB for 14x2x64 at 768 keys), so that they come from memory as in a forward, not from the
 * cache a repeated call leaves them in. Vector against scalar in the same run; one call per
 * operation.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp CLASSPATH org.openjdk.jmh.Main AttentionBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class AttentionBenchmark {
    @Param({"vector", "scalar"})
    public String backend;

    @Param({"14x2x64", "16x2x128", "16x16x72"})
    public String heads;

    @Param({"1", "8"})
    public int rows;

    @Param({"256", "768"})
    public int keys;

    @Param({"1", "24"})
    public int layers;

    private Backend b;
    private Tensor q, out;
    private Tensor[] k, v;
    private int next;
    private BatchLayout layout;
    private int h, kvh, d;

    @Setup(Level.Trial)
    public void setUp() {
        String[] s = heads.split("x");
        h = Integer.parseInt(s[0]);
        kvh = Integer.parseInt(s[1]);
        d = Integer.parseInt(s[2]);
        b = backend.equals("vector") ? new VectorBackend() : new ScalarBackend();
        Random r = new Random(1);
        q = b.upload(gaussian(r, rows * h * d));
        k = new Tensor[layers];
        v = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            k[l] = b.upload(gaussian(r, keys * kvh * d));
            v[l] = b.upload(gaussian(r, keys * kvh * d));
        }
        out = b.allocate(rows * h * d);
        layout = BatchLayout.of(BatchLayout.Sequence.contiguous(0, rows, keys - rows, keys, rows));
    }

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @Benchmark
    public void attention() {
        int l = next;
        next = l + 1 == layers ? 0 : l + 1;
        b.batchedAttention(out, q, k[l], v[l], layout, h, kvh, d);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        q.close();
        out.close();
        for (int l = 0; l < layers; l++) {
            k[l].close();
            v[l].close();
        }
    }
}
