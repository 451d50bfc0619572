package dvlcap.trainer.jmh;

import dvlcap.trainer.Blas;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One linear layer's forward and backward products in the trainer, on one example of the default
 * shape (105 LM rows), as {@link Blas} computes them (register-tiled gemm) against the formulation
 * the trainer used before: a lane-split dot product per output (forward) and one axpy per
 * (row, output) pair (backward), which loads and stores the accumulated row for every term.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LinearProductsBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lane rotations by L/2, L/4, ..., 1: the fixed-order horizontal sum the old trainer used. */
    private static final VectorShuffle<Float>[] FOLD = folds();

    /** in x out of the default shape's layers: q/o, k/v, gate/up, down. */
    @Param({"128x128", "128x64", "128x384", "384x128"})
    public String shape;
    @Param({"105"})
    public int rows;

    private int in, out;
    private float[] x, w, y, dy, dx, dw;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        in = Integer.parseInt(p[0]);
        out = Integer.parseInt(p[1]);
        SplittableRandom r = new SplittableRandom(1);
        x = random(r, rows * in);
        w = random(r, out * in);
        dy = random(r, rows * out);
        y = new float[rows * out];
        dx = new float[rows * in];
        dw = new float[out * in];
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        return a;
    }

    @Benchmark
    public float[] forwardGemm() {
        Blas.matmulNT(x, w, null, y, rows, in, out);
        return y;
    }

    @Benchmark
    public float[] forwardDotPerOutput() {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                y[r * out + o] = dot(x, r * in, w, o * in, in);
            }
        }
        return y;
    }

    @Benchmark
    public float[] backwardGemm() {
        Blas.matmulTN(dy, x, dw, null, rows, in, out);
        Blas.matmulNN(dy, w, dx, rows, in, out);
        return dx;
    }

    @Benchmark
    public float[] backwardAxpyPerTerm() {
        for (int o = 0; o < out; o++) {
            for (int r = 0; r < rows; r++) {
                Blas.axpy(dy[r * out + o], x, r * in, dw, o * in, in);
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                Blas.axpy(dy[r * out + o], w, o * in, dx, r * in, in);
            }
        }
        return dx;
    }

    /** The old trainer's dot product: lane-split fma, then a fixed-order fold of the lanes. */
    private static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float sum = 0f;
        int bound = S.loopBound(n);
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < bound; i += S.length()) {
                acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
            }
            for (VectorShuffle<Float> f : FOLD) {
                acc = acc.add(acc.rearrange(f));
            }
            sum = acc.lane(0);
        }
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(S.length());
        VectorShuffle<Float>[] f = new VectorShuffle[steps];
        for (int k = 0; k < steps; k++) {
            f[k] = VectorShuffle.iota(S, S.length() >> (k + 1), 1, true);
        }
        return f;
    }
}
