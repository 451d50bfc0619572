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

    /** Heap tensors cross threads freely, and this backend keeps no state. */
    @Override
    public java.util.Optional<Backend> sibling() {
        return java.util.Optional.of(new ScalarBackend());
    }

    @Override
    public void matmul(Tensor out, Tensor x, Weight w, Tensor bias, int rows) {
        CpuWeight cw = CpuWeight.of(w);
        float[] o = CpuTensor.of(out), in = CpuTensor.of(x), b = CpuTensor.of(bias);
        int n = cw.cols(), m = cw.rows();
        // A 16-bit weight row is widened once (element by element, HalfFloats) and used for every x row.
        float[] widened = cw.onHeap() ? null : new float[n];
        for (int j = 0; j < m; j++) {
            float[] wd;
            int wo;
            if (widened == null) {
                wd = cw.data();
                wo = j * n;
            } else {
                cw.readRow(j, widened, 0);
                wd = widened;
                wo = 0;
            }
            for (int r = 0; r < rows; r++) {
                float s = 0f;
                int xo = r * n;
                for (int i = 0; i < n; i++) {
                    s += in[xo + i] * wd[wo + i];
                }
                o[r * m + j] = b == null ? s : s + b[j];
            }
        }
    }

    /** One sequence after another, through {@link Attention#reference}. */
    @Override
    public void batchedAttention(Tensor out, Tensor q, Tensor k, Tensor v, BatchLayout layout, int heads, int kvHeads,
                                 int headDim) {
        float[] o = CpuTensor.of(out), qd = CpuTensor.of(q), kd = CpuTensor.of(k), vd = CpuTensor.of(v);
        checkLayout(layout, o, qd, kd, vd, heads, kvHeads, headDim);
        for (BatchLayout.Sequence s : layout.sequences()) {
            Attention.reference(o, qd, s.row0(), s.rows(), kd, vd, s.pages(), s.kvLength(), s.pos0(), s.maskBlock(),
                    heads, kvHeads, headDim);
        }
    }
}
