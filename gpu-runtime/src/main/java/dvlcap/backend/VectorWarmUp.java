package dvlcap.backend;

import dvlcap.model.StoredTensor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs every kernel of a decoder forward on tiny arrays until the JIT has compiled it, once per
 * process, on a background thread started with the first vector backend.
 *
 * <p>Why: the per-layer kernels (norms, swiglu, adds, attention, the argmax passes) are called a
 * few dozen times per forward, so C2 reaches them only after 15-20 forwards, and until then every
 * vector operation runs the Vector API's boxing fallback (a 0.5B model's batch-1 forward: about
 * 150 ms instead of 90 on one core). Tiny calls reach the compile thresholds in a fraction of a
 * second while the model loads. bf16 weights run their own tiles ({@link HalfMatmul}), whose first
 * forward otherwise ran them in the fallback, which allocates buffers per operation. Results do
 * not depend on it: every kernel gives the same bits
 * compiled or not ({@link Lanes}).
 *
 * <p>{@code dvlcap.vector.warmUpCalls} sets the calls per kernel (0: no warm-up).
 */
final class VectorWarmUp {
    private static final int CALLS = Integer.getInteger("dvlcap.vector.warmUpCalls", 12_000);
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private VectorWarmUp() {
    }

    static void startOnce(VectorBackend b) {
        if (CALLS <= 0 || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> run(b, CALLS), "dvlcap-kernel-warmup");
        t.setDaemon(true);
        t.start();
    }

    /**
     * {@code calls} rounds of each kernel, at sizes with and without a scalar tail (so the compiled
     * code has the tail paths a real model may need), below the thresholds that split a call over
     * the workers.
     */
    static void run(Backend b, int calls) {
        int dim = 64, odd = dim + 3, heads = 2, headDim = 32, keys = 40, vocab = 2 * 1024 + 5;
        float[] xs = new float[4 * odd], ws = new float[16 * odd];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (i % 13 - 6) * 0.1f;
        }
        for (int i = 0; i < ws.length; i++) {
            ws[i] = (i % 7 - 3) * 0.05f;
        }
        try (Tensor x = b.upload(xs); Tensor y = b.allocate(xs.length); Tensor g = b.upload(xs);
             Tensor norm = b.upload(java.util.Arrays.copyOf(ws, odd)); Tensor out = b.allocate(4 * 16);
             Weight w = b.weight(java.util.Arrays.copyOf(ws, 16 * dim), 16, dim);
             Weight wOdd = b.weight(ws, 16, odd);
             Weight wBf16 = CpuWeight.of(StoredTensor.ofBf16(ws, 16, dim), 16, dim).packed();
             Weight wBf16Mapped = CpuWeight.of(StoredTensor.ofBf16(ws, 16, dim), 16, dim);
             Tensor q = b.upload(java.util.Arrays.copyOf(xs, 3 * heads * headDim));
             Tensor k = b.upload(java.util.Arrays.copyOf(ws, keys * headDim));
             Tensor v = b.upload(java.util.Arrays.copyOfRange(ws, 7, 7 + keys * headDim));
             Tensor att = b.allocate(3 * heads * headDim);
             Tensor logits = b.upload(logits(vocab))) {
            BatchLayout layout = BatchLayout.of(BatchLayout.Sequence.contiguous(0, 1, keys - 1, keys, 1));
            // the same arrays as three heads of 64 on one kv head over 19 keys: 64-wide heads
            // (qwen2.5) take the four-vector loops (two heads at once, then the odd one) and key
            // counts that are not a multiple of 4 the one-key loops, which the 32-wide call above
            // never reaches: untaken, C2 recompiled at the first forward
            BatchLayout wide = BatchLayout.of(BatchLayout.Sequence.contiguous(0, 1, keys / 2 - 2, keys / 2 - 1, 1));
            int[] positions = {5}, ids = new int[1];
            float[] conf = new float[1];
            for (int c = 0; c < calls; c++) {
                b.rmsNorm(y, x, norm, 1, c % 2 == 0 ? dim : odd, 1e-6f);
                b.rope(y, positions, 1, heads, headDim, 10000f);
                b.swiglu(y, g, x, c % 2 == 0 ? dim : odd);
                b.add(y, x, c % 2 == 0 ? dim : odd);
                b.matmul(out, x, c % 2 == 0 ? w : wOdd, null, c % 3 == 0 ? 4 : 1);
                // a checkpoint's bf16 weights run HalfMatmul's tiles: packed onto the heap (1 row:
                // 1x8, 4 rows: 2x4), or staged from the mapping when the heap allowance is spent
                // (1 row: 1x8, 4 rows: 4x2)
                b.matmul(out, x, c % 4 < 2 ? wBf16 : wBf16Mapped, null, c % 3 == 0 ? 4 : 1);
                if (c % 2 == 0) {
                    b.batchedAttention(att, q, k, v, layout, heads, 1, headDim);
                } else {
                    b.batchedAttention(att, q, k, v, wide, 3, 1, heads * headDim);
                }
                if (c % 4 == 0) {
                    b.argmaxConfidence(logits, 1, vocab, ids, conf);
                }
            }
        }
    }

    private static float[] logits(int vocab) {
        float[] l = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            l[i] = (i * 37 % 101) * 0.01f;
        }
        return l;
    }
}
