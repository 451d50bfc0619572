package dvlcap.trainer.jmh;

import dvlcap.trainer.Blas;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
                y[r * out + o] = Blas.dot(x, r * in, w, o * in, in);
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

}
