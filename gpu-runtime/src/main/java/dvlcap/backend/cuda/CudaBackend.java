package dvlcap.backend.cuda;

import dvlcap.backend.DeviceOutOfMemoryException;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import dvlcap.backend.Backend;
import dvlcap.backend.BackendRequest;
import dvlcap.backend.BatchLayout;
import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import dvlcap.model.StoredTensor;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Backend} on one NVIDIA GPU through the CUDA driver API (JCuda), with the kernels nvcc
 * compiled at build time (src/main/cuda). Weights live on the device as bf16 (rounded to nearest
 * even on the host), activations as float32; matmul accumulates in float32 on the tensor cores.
 *
 * <p>Device memory belongs to a {@link DeviceAllocator}: every tensor and weight is a buffer it
 * accounts for, and {@link #close} frees what callers left open and logs it as a leak. An
 * allocation the device cannot satisfy throws {@link DeviceOutOfMemoryException}.
 *
 * <p>Every call checks offsets and sizes on the host before launching (a kernel writing out of
 * bounds would corrupt memory silently). Kernels run asynchronously on the default stream; reads
 * to the host wait for them. One thread at a time, as {@link Backend} requires; the context is
 * made current on whichever thread calls.
 */
public final class CudaBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);

    /** {@code simple} forces the plain GEMM kernel (a debugging aid: compare with the mma one). */
    static final String GEMM_PROPERTY = "dvlcap.cuda.gemm";

    private static final int THREADS = 256;
    /** Floats converted to bf16 per host-to-device copy when uploading a weight. */
    private static final int UPLOAD_CHUNK = 1 << 20;
    private static final int MAX_HEAD_DIM = 256; // ATT_MAX_HEAD_DIM in attention.cu

    private final CudaContext cuda;
    private final DeviceAllocator<CUdeviceptr> allocator;
    private final boolean simpleGemm;
    private DeviceBuffer<CUdeviceptr> ints;
    private DeviceBuffer<CUdeviceptr> results;
    /** The layout of the forward in progress, uploaded once for all its layers; made on first use. */
    private DeviceBatchLayout layout;
    private boolean closed;
    private LeakReport leaks = LeakReport.none();

    private CudaBackend(CudaContext cuda, long limitBytes, boolean simpleGemm) {
        this.cuda = cuda;
        this.allocator = new DeviceAllocator<>(new DriverMemory(cuda), limitBytes);
        this.simpleGemm = simpleGemm;
    }

    /** The backend on the default device (DVLCAP_CUDA_DEVICE, else 0) without a memory limit. */
    public static Optional<Backend> tryCreate(Consumer<String> whyNot) {
        return tryCreate(BackendRequest.of("cuda"), whyNot);
    }

    /**
     * What {@link dvlcap.backend.Backends} calls: the backend on the device {@code request} selects,
     * within its memory limit, or empty after telling {@code whyNot} why not (kernels not built, no
     * driver, no device, a bad device ordinal, an old GPU).
     */
    public static Optional<Backend> tryCreate(BackendRequest request, Consumer<String> whyNot) {
        return tryCreate(whyNot, KernelImage::load, DeviceSelection.of(request), request.memoryLimitBytes());
    }

    static Optional<Backend> tryCreate(Consumer<String> whyNot, Supplier<Optional<byte[]>> kernels,
                                       DeviceSelection selection, long limit) {
        return tryCreate(whyNot, kernels, selection, limit, CudaContext::open);
    }

    /** Opens the device's context with the kernels loaded (a seam: tests pass a stand-in context). */
    interface ContextOpener {
        CudaContext open(DeviceSelection selection, byte[] fatbin) throws CudaContext.Unavailable;
    }

    static Optional<Backend> tryCreate(Consumer<String> whyNot, Supplier<Optional<byte[]>> kernels,
                                       DeviceSelection selection, long limit, ContextOpener opener) {
        Optional<byte[]> image = kernels.get();
        if (image.isEmpty()) {
            whyNot.accept(KernelImage.MISSING);
            return Optional.empty();
        }
        CudaContext cuda;
        try {
            cuda = opener.open(selection, image.get());
        } catch (CudaContext.Unavailable e) {
            whyNot.accept(e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            whyNot.accept("CUDA backend failed to start: " + e);
            return Optional.empty();
        }
        // from here on the context and its module are open: any failure must release them
        try {
            boolean simple = "simple".equalsIgnoreCase(System.getProperty(GEMM_PROPERTY, ""));
            CudaBackend backend = new CudaBackend(cuda, limit, simple);
            LOG.info("CUDA backend on {}{}{}", cuda.description(),
                    limit == Long.MAX_VALUE ? "" : ", memory limit " + limit + " bytes", simple ? ", simple GEMM" : "");
            return Optional.of(backend);
        } catch (RuntimeException | Error e) {
            try {
                cuda.close();
            } catch (RuntimeException | Error closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof Error err) {
                throw err;
            }
            whyNot.accept("CUDA backend failed to start: " + e);
            return Optional.empty();
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** Bytes of device memory this backend holds now. */
    public long bytesInUse() {
        return allocator.bytesInUse();
    }

    public long peakBytes() {
        return allocator.peakBytes();
    }

    /** What {@link #close} found still open (empty before close). */
    public LeakReport leakReport() {
        return leaks;
    }

    // ---- memory -------------------------------------------------------------------------

    /** The device's free memory, within this backend's own limit when it has one. */
    @Override
    public long freeMemoryBytes() {
        bind();
        long[] free = new long[1], total = new long[1];
        CudaCheck.check(cuMemGetInfo(free, total), "cuMemGetInfo");
        return Math.min(free[0], allocator.limitBytes() - allocator.bytesInUse());
    }

    /** Most of what is free: decoding activations are small beside the weights and the cache. */
    @Override
    public double defaultKvFraction() {
        return 0.7;
    }

    @Override
    public Tensor allocate(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative size " + n);
        }
        bind();
        // a zero-size tensor still gets a word, so every tensor has an address
        long bytes = (long) Math.max(n, 1) * Float.BYTES;
        DeviceBuffer<CUdeviceptr> b = allocator.allocate(bytes, "tensor[" + n + "]");
        try {
            CudaCheck.check(cuMemsetD32(b.block(), 0, Math.max(n, 1)), "cuMemsetD32");
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return new CudaTensor(b, n);
    }

    @Override
    public void write(Tensor dst, int dstOff, float[] src, int srcOff, int n) {
        CudaTensor d = tensor(dst);
        range("write source", srcOff, n, src.length);
        range("write target", dstOff, n, d.size());
        if (n == 0) {
            return;
        }
        bind();
        CudaCheck.check(cuMemcpyHtoD(d.at(dstOff), Pointer.to(src).withByteOffset((long) srcOff * Float.BYTES),
                (long) n * Float.BYTES), "cuMemcpyHtoD");
    }

    @Override
    public void read(Tensor src, int srcOff, float[] dst, int dstOff, int n) {
        CudaTensor s = tensor(src);
        range("read source", srcOff, n, s.size());
        range("read target", dstOff, n, dst.length);
        if (n == 0) {
            return;
        }
        bind();
        // synchronous: waits for the kernels before it, and reports their errors
        CudaCheck.check(cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) dstOff * Float.BYTES), s.at(srcOff),
                (long) n * Float.BYTES), "cuMemcpyDtoH");
    }

    @Override
    public void copy(Tensor src, int srcOff, Tensor dst, int dstOff, int n) {
        CudaTensor s = tensor(src), d = tensor(dst);
        range("copy source", srcOff, n, s.size());
        range("copy target", dstOff, n, d.size());
        if (n == 0) {
            return;
        }
        if (s == d && Math.abs(srcOff - dstOff) < n) {
            throw new IllegalArgumentException("overlapping copy within one tensor");
        }
        bind();
        CudaCheck.check(cuMemcpyDtoD(d.at(dstOff), s.at(srcOff), (long) n * Float.BYTES), "cuMemcpyDtoD");
    }

    @Override
    public Weight weight(float[] data, int rows, int cols) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != data.length) {
            throw new IllegalArgumentException("weight " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " values, got " + data.length);
        }
        return uploadWeight(rows, cols, (from, dst, n) -> System.arraycopy(data, (int) from, dst, 0, n));
    }

    /**
     * Converted to bf16 slice by slice straight from the stored tensor (a mapped file), so even a
     * 7B embedding needs no float32 copy of itself on the host.
     */
    @Override
    public Weight weight(StoredTensor data, int rows, int cols) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != data.numel()) {
            throw new IllegalArgumentException("weight " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " values, the tensor " + data + " has " + data.numel());
        }
        return uploadWeight(rows, cols, (from, dst, n) -> data.read(from, dst, 0, n));
    }

    /** Reads elements {@code [from, from + n)} of a weight, as float32, into {@code dst[0..n)}. */
    private interface WeightSlices {
        void read(long from, float[] dst, int n);
    }

    private Weight uploadWeight(int rows, int cols, WeightSlices slices) {
        long total = (long) rows * cols;
        bind();
        DeviceBuffer<CUdeviceptr> b = allocator.allocate(total * Short.BYTES, "weight " + rows + "x" + cols + " bf16");
        try {
            // converted in chunks so a 150k x 896 embedding needs no second full-size host array
            int len0 = (int) Math.min(UPLOAD_CHUNK, total);
            float[] floats = new float[len0];
            short[] chunk = new short[len0];
            for (long off = 0; off < total; off += len0) {
                int len = (int) Math.min(len0, total - off);
                slices.read(off, floats, len);
                Bf16.convert(floats, 0, chunk, len);
                CudaCheck.check(cuMemcpyHtoD(b.block().withByteOffset(off * Short.BYTES), Pointer.to(chunk),
                        (long) len * Short.BYTES), "cuMemcpyHtoD(weight)");
            }
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return new CudaWeight(b, rows, cols);
    }

    // ---- dense ops ----------------------------------------------------------------------

    /** True when matmul with weights of {@code cols} inputs uses the tensor-core kernel (K % 8 == 0). */
    boolean usesMmaGemm(int cols) {
        return !simpleGemm && cols % 8 == 0;
    }

    @Override
    public void matmul(Tensor out, Tensor x, Weight w, Tensor bias, int rows) {
        CudaWeight cw = weight(w);
        CudaTensor o = tensor(out), in = tensor(x), b = bias == null ? null : tensor(bias);
        int k = cw.cols(), m = cw.rows();
        nonNegative("rows", rows);
        fits("matmul input", (long) rows * k, in);
        fits("matmul output", (long) rows * m, o);
        if (b != null) {
            fits("matmul bias", m, b);
        }
        if (rows == 0) {
            return;
        }
        bind();
        KernelArgs args = new KernelArgs().ptr(o.at(0)).ptr(in.at(0)).ptr(cw.pointer()).ptr(b == null ? null : b.at(0))
                .i32(rows).i32(k).i32(m);
        // the kernel depends on the weight's shape only, never on rows: batch-independence
        if (usesMmaGemm(k)) {
            cuda.launch(Kernel.GEMM_BF16_MMA, ceilDiv(m, 64), (int) ceilDiv(rows, 32), 128, args);
        } else {
            cuda.launch(Kernel.GEMM_BF16_SIMPLE, ceilDiv((long) rows * m * 32, THREADS), 1, THREADS, args);
        }
    }

    @Override
    public void embed(Tensor out, int outRow, Weight table, int[] ids, int n) {
        CudaWeight t = weight(table);
        CudaTensor o = tensor(out);
        nonNegative("n", n);
        nonNegative("outRow", outRow);
        range("ids", 0, n, ids.length);
        int dim = t.cols();
        for (int r = 0; r < n; r++) {
            if (ids[r] < 0 || ids[r] >= t.rows()) {
                throw new IllegalArgumentException("token id " + ids[r] + " outside the embedding table of " + t.rows());
            }
        }
        fits("embed output", (long) (outRow + n) * dim, o);
        if (n == 0) {
            return;
        }
        bind();
        CUdeviceptr idp = uploadInts(ids, n);
        cuda.launch(Kernel.EMBED_BF16, n, 1, THREADS,
                new KernelArgs().ptr(o.at((long) outRow * dim)).ptr(t.pointer()).ptr(idp).i32(dim));
    }

    @Override
    public void rmsNorm(Tensor out, Tensor x, Tensor weight, int rows, int dim, float eps) {
        CudaTensor o = tensor(out), in = tensor(x), w = tensor(weight);
        nonNegative("rows", rows);
        positive("dim", dim);
        fits("rmsNorm input", (long) rows * dim, in);
        fits("rmsNorm output", (long) rows * dim, o);
        fits("rmsNorm weight", dim, w);
        if (rows == 0) {
            return;
        }
        bind();
        cuda.launch(Kernel.RMS_NORM, rows, 1, THREADS,
                new KernelArgs().ptr(o.at(0)).ptr(in.at(0)).ptr(w.at(0)).i32(dim).f32(eps));
    }

    @Override
    public void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, int rows, int dim, float eps) {
        CudaTensor o = tensor(out), in = tensor(x), w = tensor(weight), b = tensor(bias);
        nonNegative("rows", rows);
        positive("dim", dim);
        fits("layerNorm input", (long) rows * dim, in);
        fits("layerNorm output", (long) rows * dim, o);
        fits("layerNorm weight", dim, w);
        fits("layerNorm bias", dim, b);
        if (rows == 0) {
            return;
        }
        bind();
        cuda.launch(Kernel.LAYER_NORM, rows, 1, THREADS,
                new KernelArgs().ptr(o.at(0)).ptr(in.at(0)).ptr(w.at(0)).ptr(b.at(0)).i32(dim).f32(eps));
    }

    @Override
    public void rope(Tensor x, int[] positions, int rows, int heads, int headDim, float theta) {
        CudaTensor t = tensor(x);
        nonNegative("rows", rows);
        positive("heads", heads);
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("headDim must be positive and even, got " + headDim);
        }
        range("positions", 0, rows, positions.length);
        fits("rope input", (long) rows * heads * headDim, t);
        if (rows == 0) {
            return;
        }
        bind();
        CUdeviceptr pos = uploadInts(positions, rows);
        long threads = (long) rows * heads * (headDim / 2);
        cuda.launch(Kernel.ROPE, ceilDiv(threads, THREADS), 1, THREADS,
                new KernelArgs().ptr(t.at(0)).ptr(pos).i32(rows).i32(heads).i32(headDim).f32(theta));
    }

    @Override
    public void swiglu(Tensor out, Tensor gate, Tensor up, int n) {
        CudaTensor o = tensor(out), g = tensor(gate), u = tensor(up);
        nonNegative("n", n);
        fits("swiglu output", n, o);
        fits("swiglu gate", n, g);
        fits("swiglu up", n, u);
        if (n == 0) {
            return;
        }
        bind();
        cuda.launch(Kernel.SWIGLU, ceilDiv(n, THREADS), 1, THREADS,
                new KernelArgs().ptr(o.at(0)).ptr(g.at(0)).ptr(u.at(0)).i64(n));
    }

    @Override
    public void gelu(Tensor x, int n, boolean tanh) {
        CudaTensor t = tensor(x);
        nonNegative("n", n);
        fits("gelu input", n, t);
        if (n == 0) {
            return;
        }
        bind();
        cuda.launch(Kernel.GELU, ceilDiv(n, THREADS), 1, THREADS, new KernelArgs().ptr(t.at(0)).i64(n).i32(tanh ? 1 : 0));
    }

    @Override
    public void add(Tensor acc, Tensor x, int n) {
        CudaTensor a = tensor(acc), b = tensor(x);
        nonNegative("n", n);
        fits("add accumulator", n, a);
        fits("add input", n, b);
        if (n == 0) {
            return;
        }
        bind();
        cuda.launch(Kernel.ADD_INPLACE, ceilDiv(n, THREADS), 1, THREADS, new KernelArgs().ptr(a.at(0)).ptr(b.at(0)).i64(n));
    }

    @Override
    public void attention(Tensor out, Tensor q, int qRow, int nq, Tensor k, Tensor v, int kvLen,
                          int queryPos0, int maskBlock, int heads, int kvHeads, int headDim) {
        CudaTensor o = tensor(out), qt = tensor(q), kt = tensor(k), vt = tensor(v);
        nonNegative("qRow", qRow);
        nonNegative("nq", nq);
        nonNegative("kvLen", kvLen);
        nonNegative("queryPos0", queryPos0);
        positive("maskBlock", maskBlock);
        checkHeads(heads, kvHeads, headDim);
        long qStride = (long) heads * headDim, kvStride = (long) kvHeads * headDim;
        fits("attention queries", (qRow + (long) nq) * qStride, qt);
        fits("attention output", (qRow + (long) nq) * qStride, o);
        fits("attention keys", kvLen * kvStride, kt);
        fits("attention values", kvLen * kvStride, vt);
        if (nq > 0 && (long) queryPos0 + nq > kvLen) {
            throw new IllegalArgumentException("query positions " + queryPos0 + ".." + (queryPos0 + nq - 1)
                    + " past the " + kvLen + " cached keys");
        }
        if (nq == 0) {
            return;
        }
        bind();
        cuda.launch(Kernel.ATTENTION, ceilDiv((long) nq * heads, 4), 1, 128,
                new KernelArgs().ptr(o.at(qRow * qStride)).ptr(qt.at(qRow * qStride)).ptr(kt.at(0)).ptr(vt.at(0))
                        .i32(nq).i32(kvLen).i32(queryPos0).i32(maskBlock).i32(heads).i32(kvHeads).i32(headDim));
    }

    /** The head shape both attention kernels accept: query heads a multiple of kv heads, head dim within the kernels' limit. */
    private static void checkHeads(int heads, int kvHeads, int headDim) {
        positive("kvHeads", kvHeads);
        if (heads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " heads are not a multiple of " + kvHeads + " kv heads");
        }
        if (headDim <= 0 || headDim > MAX_HEAD_DIM) {
            throw new IllegalArgumentException("headDim " + headDim + " outside 1.." + MAX_HEAD_DIM);
        }
    }

    /**
     * One launch for the whole batch: each warp finds its sequence in the layout (uploaded once per
     * forward, see {@link DeviceBatchLayout}) and reads keys and values through its page table.
     */
    @Override
    public void batchedAttention(Tensor out, Tensor q, Tensor k, Tensor v, BatchLayout batch, int heads, int kvHeads,
                                 int headDim) {
        CudaTensor o = tensor(out), qt = tensor(q), kt = tensor(k), vt = tensor(v);
        checkHeads(heads, kvHeads, headDim);
        long qStride = (long) heads * headDim, kvStride = (long) kvHeads * headDim;
        fits("attention queries", batch.rowsSpanned() * qStride, qt);
        fits("attention output", batch.rowsSpanned() * qStride, o);
        fits("paged keys", batch.kvRowsSpanned() * kvStride, kt);
        fits("paged values", batch.kvRowsSpanned() * kvStride, vt);
        int queries = batch.totalRows();
        if (queries == 0) {
            return;
        }
        bind();
        DeviceBatchLayout layout = uploadLayout(batch);
        cuda.launch(Kernel.ATTENTION_BATCHED, ceilDiv((long) queries * heads, 4), 1, 128,
                new KernelArgs().ptr(o.at(0)).ptr(qt.at(0)).ptr(kt.at(0)).ptr(vt.at(0)).ptr(layout.sequences())
                        .ptr(layout.sequenceOfQuery()).ptr(layout.pages()).i32(queries).i32(heads).i32(kvHeads)
                        .i32(headDim));
    }

    /** One launch for the whole batch, one block per query row, through the same uploaded layout. */
    @Override
    public void writeKv(Tensor keys, Tensor values, Tensor k, Tensor v, BatchLayout batch, int kvDim) {
        CudaTensor kd = tensor(keys), vd = tensor(values), ks = tensor(k), vs = tensor(v);
        positive("kvDim", kvDim);
        fits("new keys", (long) batch.rowsSpanned() * kvDim, ks);
        fits("new values", (long) batch.rowsSpanned() * kvDim, vs);
        fits("paged keys", batch.kvRowsSpanned() * kvDim, kd);
        fits("paged values", batch.kvRowsSpanned() * kvDim, vd);
        int queries = batch.totalRows();
        if (queries == 0) {
            return;
        }
        bind();
        DeviceBatchLayout layout = uploadLayout(batch);
        cuda.launch(Kernel.KV_WRITE, queries, 1, THREADS, new KernelArgs().ptr(kd.at(0)).ptr(vd.at(0)).ptr(ks.at(0))
                .ptr(vs.at(0)).ptr(layout.sequences()).ptr(layout.sequenceOfQuery()).ptr(layout.pages()).i32(kvDim));
    }

    @Override
    public void argmaxConfidence(Tensor logits, int rows, int vocab, int[] ids, float[] confidence) {
        CudaTensor l = tensor(logits);
        nonNegative("rows", rows);
        positive("vocab", vocab);
        fits("logits", (long) rows * vocab, l);
        range("ids", 0, rows, ids.length);
        range("confidence", 0, rows, confidence.length);
        if (rows == 0) {
            return;
        }
        bind();
        CUdeviceptr res = resultBuffer((long) rows * 2 * Integer.BYTES);
        CUdeviceptr conf = res.withByteOffset((long) rows * Integer.BYTES);
        cuda.launch(Kernel.ARGMAX_CONFIDENCE, rows, 1, THREADS,
                new KernelArgs().ptr(l.at(0)).i32(vocab).ptr(res).ptr(conf));
        CudaCheck.check(cuMemcpyDtoH(Pointer.to(ids), res, (long) rows * Integer.BYTES), "cuMemcpyDtoH(ids)");
        CudaCheck.check(cuMemcpyDtoH(Pointer.to(confidence), conf, (long) rows * Float.BYTES), "cuMemcpyDtoH(confidence)");
    }

    /** Waits for every launched kernel; surfaces their errors. */
    public void synchronize() {
        bind();
        cuda.synchronize();
    }

    /**
     * Waits for the device, frees every buffer still open (logging them as leaks, see
     * {@link #leakReport}) and destroys the context. Closing twice is harmless.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            bind();
            cuda.synchronize();
        } catch (RuntimeException e) {
            LOG.warn("CUDA backend: pending work failed at close: {}", e.toString());
        }
        closed = true;
        try {
            releaseStaging();
        } catch (RuntimeException e) {
            LOG.warn("CUDA backend: freeing staging buffers at close failed: {}", e.toString());
        }
        try {
            leaks = allocator.close();
            if (!leaks.isEmpty()) {
                LOG.warn("CUDA backend closed with {}", leaks);
            }
        } catch (RuntimeException e) {
            LOG.warn("CUDA backend: freeing device memory at close failed: {}", e.toString());
        } finally {
            cuda.close(); // destroying the context releases whatever is left on the device
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    /**
     * Makes this backend's context current on the calling thread, every call: another backend's
     * context may have become current on the same thread since (a fraction of a microsecond, against
     * several for the launch that follows).
     */
    private void bind() {
        if (closed) {
            throw new IllegalStateException("CUDA backend used after close");
        }
        cuda.makeCurrent();
    }

    /** Copies {@code n} ints to a reused device buffer (ids, positions); stream order keeps reuse safe. */
    private CUdeviceptr uploadInts(int[] values, int n) {
        long bytes = (long) n * Integer.BYTES;
        if (ints == null || ints.bytes() < bytes) {
            if (ints != null) {
                ints.close();
                ints = null;
            }
            ints = allocator.allocate(Math.max(bytes, 4096), "staging ints");
        }
        CudaCheck.check(cuMemcpyHtoD(ints.block(), Pointer.to(values), bytes), "cuMemcpyHtoD(ints)");
        return ints.block();
    }

    private CUdeviceptr resultBuffer(long bytes) {
        if (results == null || results.bytes() < bytes) {
            if (results != null) {
                results.close();
                results = null;
            }
            results = allocator.allocate(Math.max(bytes, 4096), "staging results");
        }
        return results.block();
    }

    private DeviceBatchLayout uploadLayout(BatchLayout batch) {
        if (layout == null) {
            layout = new DeviceBatchLayout(allocator);
        }
        layout.upload(batch);
        return layout;
    }

    private void releaseStaging() {
        if (layout != null) {
            layout.close();
            layout = null;
        }
        if (ints != null) {
            ints.close();
            ints = null;
        }
        if (results != null) {
            results.close();
            results = null;
        }
    }

    private CudaTensor tensor(Tensor t) {
        if (t instanceof CudaTensor c && allocator.owns(c.buffer())) {
            return c;
        }
        throw new IllegalArgumentException(t == null ? "null tensor"
                : "not a tensor of this CUDA backend: " + t.getClass().getName());
    }

    private CudaWeight weight(Weight w) {
        if (w instanceof CudaWeight c && allocator.owns(c.buffer())) {
            return c;
        }
        throw new IllegalArgumentException(w == null ? "null weight"
                : "not a weight of this CUDA backend: " + w.getClass().getName());
    }

    private static void fits(String what, long floats, CudaTensor t) {
        if (floats > t.size()) {
            throw new IllegalArgumentException(what + " needs " + floats + " floats, tensor has " + t.size());
        }
    }

    private static void range(String what, int off, int n, int length) {
        if (off < 0 || n < 0 || (long) off + n > length) {
            throw new IllegalArgumentException(what + ": range " + off + "+" + n + " outside 0.." + length);
        }
    }

    private static void nonNegative(String what, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(what + " must not be negative, got " + v);
        }
    }

    private static void positive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
