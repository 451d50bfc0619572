package dvlcap.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The blocked, vectorized products against their naive definitions, bit for bit. */
class BlasTest {
    /** Sizes that hit every path: 4-row blocks and leftover rows, 4-vector blocks, single vectors, scalar tails. */
    private static final int[] ROWS = {1, 3, 4, 5, 9};
    private static final int[] INNER = {1, 7, 32, 33};
    private static final int[] COLS = {1, 15, 16, 17, 48, 59, 64, 70, 130};

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void gemmIsTheAscendingFmaChainOfEveryElementWhateverTheBlocking() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int m : ROWS) {
            for (int k : INNER) {
                for (int n : COLS) {
                    float[] a = random(rnd, m * k), b = random(rnd, k * n), c = random(rnd, m * n);
                    float[] expected = c.clone();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float s = expected[i * n + j];
                            for (int p = 0; p < k; p++) {
                                s = Math.fma(a[i * k + p], b[p * n + j], s);
                            }
                            expected[i * n + j] = s;
                        }
                    }
                    Blas.gemm(a, b, c, m, k, n);
                    assertArrayEquals(expected, c, 0f, "m=" + m + " k=" + k + " n=" + n);
                }
            }
        }
    }

    @Test
    void linearLayerProductsMatchTheirDefinitions() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int rows : ROWS) {
            for (int in : INNER) {
                for (int out : COLS) {
                    float[] x = random(rnd, rows * in), w = random(rnd, out * in), bias = random(rnd, out);
                    float[] dy = random(rnd, rows * out);
                    float[] y = new float[rows * out], yRef = new float[rows * out];
                    float[] dx = random(rnd, rows * in), dxRef = dx.clone();
                    float[] dw = random(rnd, out * in), dwRef = dw.clone();
                    float[] db = random(rnd, out), dbRef = db.clone();
                    for (int r = 0; r < rows; r++) {
                        for (int o = 0; o < out; o++) {
                            float s = 0f;
                            for (int i = 0; i < in; i++) {
                                s = Math.fma(x[r * in + i], w[o * in + i], s);
                            }
                            yRef[r * out + o] = s + bias[o];
                        }
                        for (int i = 0; i < in; i++) {
                            float s = dxRef[r * in + i];
                            for (int o = 0; o < out; o++) {
                                s = Math.fma(dy[r * out + o], w[o * in + i], s);
                            }
                            dxRef[r * in + i] = s;
                        }
                    }
                    for (int o = 0; o < out; o++) {
                        for (int i = 0; i < in; i++) {
                            float s = dwRef[o * in + i];
                            for (int r = 0; r < rows; r++) {
                                s = Math.fma(dy[r * out + o], x[r * in + i], s);
                            }
                            dwRef[o * in + i] = s;
                        }
                        for (int r = 0; r < rows; r++) {
                            dbRef[o] += dy[r * out + o];
                        }
                    }
                    String at = "rows=" + rows + " in=" + in + " out=" + out;
                    Blas.matmulNT(x, w, bias, y, rows, in, out);
                    assertArrayEquals(yRef, y, 0f, "forward " + at);
                    Blas.matmulNN(dy, w, dx, rows, in, out);
                    assertArrayEquals(dxRef, dx, 0f, "dx " + at);
                    Blas.matmulTN(dy, x, dw, db, rows, in, out);
                    assertArrayEquals(dwRef, dw, 0f, "dw " + at);
                    assertArrayEquals(dbRef, db, 0f, "db " + at);
                }
            }
        }
    }
}
