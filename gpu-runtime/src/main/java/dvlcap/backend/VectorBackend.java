package dvlcap.backend;

import dvlcap.model.StoredTensor;

/**
 * The CPU backend on the Vector API ({@code jdk.incubator.vector}, so every JVM running it needs
 * {@code --add-modules jdk.incubator.vector}): vector matmul and attention spread over a fixed
 * pool of one worker per core, vector norms and element-wise ops. Results match
 * {@link ScalarBackend} to float rounding and are batch-independent (see {@link VectorMatmul}).
 */
public final class VectorBackend extends CpuBackend {
    private final VectorMatmul matmul;
    private final VectorAttention attention;
    private final VectorOps ops;
    private final WorkerPool pool;
    private final HeapWeightAllowance heapWeights;

    /** The backend with every 16-bit weight left memory-mapped (the default). */
    public VectorBackend() {
        this(0);
    }

    /**
     * The backend copying at most {@code heapWeightBytes} of bf16/f16 weights onto the heap
     * ({@link BackendRequest#heapWeightBytes}; {@link BackendRequest#AUTO_HEAP_WEIGHTS}: all of a model's if they fit a quarter of the heap, else none).
     */
    public VectorBackend(long heapWeightBytes) {
        this(WorkerPool.shared(), new HeapWeightAllowance(heapWeightBytes));
        VectorWarmUp.startOnce(this);
    }

    VectorBackend(WorkerPool pool) {
        this(pool, new HeapWeightAllowance(0));
    }

    VectorBackend(WorkerPool pool, HeapWeightAllowance heapWeights) {
        this.pool = pool;
        this.heapWeights = heapWeights;
        this.matmul = new VectorMatmul(pool);
        this.attention = new VectorAttention(pool);
        this.ops = new VectorOps(pool);
    }

    /** Lanes per vector on this machine (16 with AVX-512, 8 with AVX2), for logs. */
    public static int lanes() {
        return Lanes.L;
    }

    @Override
    public String name() {
        return "cpu-vector";
    }

    /** Heap tensors cross threads freely; the worker pool is shared (it takes calls from any thread). */
    @Override
    public java.util.Optional<Backend> sibling() {
        return java.util.Optional.of(new VectorBackend(pool, heapWeights));
    }

    /**
     * Float32 on the heap as on every CPU backend; a bf16/f16 weight stays in its (mapped) buffers
     * and is copied onto the heap in panels of 8 rows ({@link HalfMatmul#pack}) when a matmul
     * first reads it, while the allowance lasts and its shape allows. Either way the same bits
     * reach the same tiles, so results do not depend on where a weight lives.
     */
    @Override
    public Weight weight(StoredTensor data, int rows, int cols) {
        CpuWeight w = CpuWeight.of(data, rows, cols);
        w.allowPacking(heapWeights);
        return w;
    }

    @Override
    public void matmul(Tensor out, Tensor x, Weight w, Tensor bias, int rows) {
        matmuls(x, rows, new Projection(out, w, bias));
    }

    /** One pool job for all the projections' parts ({@link VectorMatmul#runAll}). */
    @Override
    public void matmuls(Tensor x, int rows, Projection... projections) {
        float[] in = CpuTensor.of(x);
        int k = projections.length;
        float[][] outs = new float[k][], biases = new float[k][];
        CpuWeight[] ws = new CpuWeight[k];
        for (int i = 0; i < k; i++) {
            Projection p = projections[i];
            CpuWeight cw = CpuWeight.of(p.w());
            float[] o = CpuTensor.of(p.out()), b = CpuTensor.of(p.bias());
            int n = cw.cols(), m = cw.rows();
            // Check here: an overrun inside a worker would surface as a confusing wrapped exception.
            if ((long) rows * n > in.length || (long) rows * m > o.length || (b != null && b.length < m)
                    || n != CpuWeight.of(projections[0].w()).cols()) {
                throw new IllegalArgumentException("matmul of " + rows + " rows with a " + m + "x" + n
                        + " weight: x has " + in.length + ", out " + o.length
                        + (b == null ? "" : ", bias " + b.length) + " floats"
                        + (i == 0 ? "" : ", the first projection's weight " + CpuWeight.of(projections[0].w()).cols() + " columns"));
            }
            outs[i] = o;
            biases[i] = b;
            ws[i] = cw;
        }
        matmul.runAll(in, rows, outs, ws, biases);
    }

    @Override
    public void batchedAttention(Tensor out, Tensor q, Tensor k, Tensor v, BatchLayout layout, int heads, int kvHeads,
                                 int headDim) {
        float[] o = CpuTensor.of(out), qd = CpuTensor.of(q), kd = CpuTensor.of(k), vd = CpuTensor.of(v);
        checkLayout(layout, o, qd, kd, vd, heads, kvHeads, headDim);
        attention.run(o, qd, kd, vd, layout, heads, kvHeads, headDim);
    }

    @Override
    public void rmsNorm(Tensor out, Tensor x, Tensor weight, int rows, int dim, float eps) {
        VectorOps.rmsNorm(CpuTensor.of(out), CpuTensor.of(x), CpuTensor.of(weight), rows, dim, eps);
    }

    @Override
    public void rotary(Tensor x, Tensor cos, Tensor sin, int rows, int heads, int headDim) {
        VectorOps.rotary(CpuTensor.of(x), CpuTensor.of(cos), CpuTensor.of(sin), rows, heads, headDim);
    }

    @Override
    public void swiglu(Tensor out, Tensor gate, Tensor up, int n) {
        VectorOps.swiglu(CpuTensor.of(out), CpuTensor.of(gate), CpuTensor.of(up), n);
    }

    @Override
    public void add(Tensor acc, Tensor x, int n) {
        VectorOps.add(CpuTensor.of(acc), CpuTensor.of(x), n);
    }

    @Override
    public void argmaxConfidence(Tensor logits, int rows, int vocab, int[] ids, float[] confidence) {
        ops.argmaxConfidence(CpuTensor.of(logits), rows, vocab, ids, confidence);
    }
}
