package dvlcap.bench.jmh;

import dvlcap.backend.BackendRequest;
import dvlcap.backend.VectorBackend;
import dvlcap.bench.ForwardTimer;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.WeightSource;
import dvlcap.model.WeightSources;
import dvlcap.nn.LlavaModel;
import java.nio.file.Path;
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
 * One decoding step of a model directory's language model on the vector backend: a forward of
 * {@code queryTokens} rows for each of {@code batch} sequences over {@code context} cached
 * positions, its logits and their argmax ({@link ForwardTimer}, what {@code dvlcap bench --model}
 * times). Here so that {@code bench/CompareBuilds.java} can set two builds' forwards side by side
 * in one JVM, where changes of a few percent are lost between separate runs on a noisy machine:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector bench/CompareBuilds.java /tmp/before gpu-runtime/target/classes \
 *     ForwardBenchmark forward model=/tmp/ck-bf16 heapWeights=auto queryTokens=1 slice=1
 * </pre>
 * {@code heapWeights} is {@code none} (16-bit weights stay memory-mapped) or {@code auto}
 * ({@code --heap-weights auto}). The fields start at the {@code @Param} defaults because
 * CompareBuilds sets only the parameters it is given. A user measures with {@code dvlcap bench --model DIR}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class ForwardBenchmark {

    /** A model directory, e.g. one written by {@code dvlcap bench --shape qwen2.5-0.5b --write-checkpoint DIR}. */
    @Param({""})
    public String model = "";

    @Param({"none"})
    public String heapWeights = "none";

    @Param({"1"})
    public int queryTokens = 1;

    @Param({"1"})
    public int batch = 1;

    @Param({"749"})
    public int context = 749;

    private VectorBackend backend;
    private LlavaModel loaded;
    private ForwardTimer timer;

    @Setup(Level.Trial)
    public void setUp() {
        if (model.isEmpty()) {
            throw new IllegalArgumentException("set the model directory: -p model=DIR (or model=DIR for CompareBuilds)");
        }
        long heap = switch (heapWeights) {
            case "none" -> 0;
            case "auto" -> BackendRequest.AUTO_HEAP_WEIGHTS;
            default -> throw new IllegalArgumentException("heapWeights is none or auto, not " + heapWeights);
        };
        backend = new VectorBackend(heap);
        // config and weights only: the tokenizer's native library can be loaded by one class loader
        // of a JVM, and CompareBuilds has two
        Path dir = Path.of(model);
        try (WeightSource weights = WeightSources.open(dir)) {
            loaded = LlavaModel.load(backend, ModelConfigReader.read(dir.resolve("config.json")), weights);
        }
        timer = new ForwardTimer(backend, loaded.lm(), context, batch, queryTokens);
    }

    @Benchmark
    public void forward() {
        timer.forwardMs();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        timer.close();
        loaded.close();
        backend.close();
    }
}
