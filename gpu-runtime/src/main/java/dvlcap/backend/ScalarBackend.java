package dvlcap.backend;

/**
 * The reference backend: plain loops, one thread, double accumulation where it is cheap. Every
 * other backend is tested against it; it is also the fallback when the Vector API is absent.
 */
public final class ScalarBackend extends CpuBackend {

    @Override
    public String name() {
        return "cpu-scalar";
    }

    @Override
    public void matmul(Tensor out, Tensor x, Weight w, Tensor bias, int rows) {
        CpuWeight cw = CpuWeight.of(w);
        float[] o = CpuTensor.of(out), in = CpuTensor.of(x), wd = cw.data(), b = CpuTensor.of(bias);
        int n = cw.cols(), m = cw.rows();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < m; j++) {
                float s = 0f;
                int wo = j * n, xo = r * n;
                for (int i = 0; i < n; i++) {
                    s += in[xo + i] * wd[wo + i];
                }
                o[r * m + j] = b == null ? s : s + b[j];
            }
        }
    }

    @Override
    public void attention(Tensor out, Tensor q, int qRow, int nq, Tensor k, Tensor v, int kvLen,
                          int queryPos0, int maskBlock, int heads, int kvHeads, int headDim) {
        float[] o = CpuTensor.of(out), qd = CpuTensor.of(q), kd = CpuTensor.of(k), vd = CpuTensor.of(v);
        Attention.reference(o, qd, qRow, nq, kd, vd, kvLen, queryPos0, maskBlock, heads, kvHeads, headDim);
    }
}
