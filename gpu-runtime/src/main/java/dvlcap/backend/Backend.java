package dvlcap.backend;

import dvlcap.model.StoredTensor;

import java.util.Optional;

/**
 * The tensor operations the model needs. All matrices are row-major float32; offsets and sizes
 * count elements. Implementations must give each output row a result that does not depend on
 * how many other rows are in the call (batch-independence is what makes captions identical
 * whatever the batch), and must be safe for use by one thread at a time.
 *
 * <p>Every implementation is differential-tested against {@link ScalarBackend}.
 */
public interface Backend extends AutoCloseable {

    /** Short name for logs and counters, e.g. {@code cpu-vector}. */
    String name();

    // ---- memory -------------------------------------------------------------------------

    /** A zero-filled buffer of {@code n} floats. */
    Tensor allocate(int n);

    /** A new buffer holding a copy of {@code src}. */
    default Tensor upload(float[] src) {
        Tensor t = allocate(src.length);
        write(t, 0, src, 0, src.length);
        return t;
    }

    /**
     * Bytes this backend could still allocate now, for sizing the engine's KV pool: the JVM heap's
     * headroom for the CPU backends, the device's free memory for CUDA.
     */
    long freeMemoryBytes();

    /**
     * The share of {@link #freeMemoryBytes()} the KV pool takes when no budget is given; the rest is
     * left to activations, logits and images.
     */
    double defaultKvFraction();

    /** Copies {@code n} floats from host {@code src[srcOff..]} into {@code dst[dstOff..]}. */
    void write(Tensor dst, int dstOff, float[] src, int srcOff, int n);

    /** Copies {@code n} floats from {@code src[srcOff..]} into host {@code dst[dstOff..]}. */
    void read(Tensor src, int srcOff, float[] dst, int dstOff, int n);

    /** Copies {@code n} floats between buffers of this backend. */
    void copy(Tensor src, int srcOff, Tensor dst, int dstOff, int n);

    /** Uploads a {@code rows x cols} weight matrix given row-major in {@code data}. */
    Weight weight(float[] data, int rows, int cols);

    /**
     * A {@code rows x cols} weight matrix from a checkpoint tensor of {@code rows * cols} elements
     * (row-major), in whatever form the backend computes on: the CPU backends keep bf16 and f16
     * where the file maps them and widen inside the kernels. The default widens the whole tensor
     * to float32 and calls {@link #weight(float[], int, int)}.
     */
    default Weight weight(StoredTensor data, int rows, int cols) {
        return weight(data.toFloats(), rows, cols);
    }

    // ---- dense ops ----------------------------------------------------------------------

    /**
     * {@code out[r, o] = sum_i x[r, i] * w[o, i] + bias[o]} for {@code r < rows}; {@code x} is
     * {@code rows x w.cols()}, {@code out} is {@code rows x w.rows()}; {@code bias} may be null.
     */
    void matmul(Tensor out, Tensor x, Weight w, Tensor bias, int rows);

    /**
     * {@link #matmul} of one {@code x} by several weights of {@code x}'s width (a layer's q, k and
     * v; its gate and up), each into its own output: every output is exactly what its own
     * {@code matmul} gives. The default runs them one after another; a backend may run them as
     * one call, so that a small projection runs beside a big one instead of after it.
     */
    default void matmuls(Tensor x, int rows, Projection... projections) {
        for (Projection p : projections) {
            matmul(p.out(), x, p.w(), p.bias(), rows);
        }
    }

    /**
     * Gathers rows of {@code table} ({@code ? x dim}): {@code out[outRow + r] = table[ids[r]]} for
     * {@code r < n}. An id outside the table is an {@link IllegalArgumentException}.
     */
    void embed(Tensor out, int outRow, Weight table, int[] ids, int n);

    /** {@code out[r] = x[r] / rms(x[r]) * weight}, with {@code rms = sqrt(mean(x^2) + eps)}. */
    void rmsNorm(Tensor out, Tensor x, Tensor weight, int rows, int dim, float eps);

    /** {@code out[r] = (x[r] - mean) / sqrt(var + eps) * weight + bias}. */
    void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, int rows, int dim, float eps);

    /**
     * Rotary position embedding in place, Hugging Face "rotate_half" convention (the first and
     * second halves of each head form the pairs). Row {@code r} has {@code heads} heads of
     * {@code headDim} and sits at absolute position {@code positions[r]}.
     */
    void rope(Tensor x, int[] positions, int rows, int heads, int headDim, float theta);

    /**
     * Rotary embedding in place from precomputed angles, in the same "rotate_half" convention as
     * {@link #rope}: in each head of row {@code r}, the pair {@code (i, i + headDim/2)} is rotated by
     * the angle whose cosine and sine are {@code cos[r * headDim/2 + i]} and {@code sin[...]}
     * ({@code rows x headDim/2} each). Rows differ in how their angles are made (multimodal rotary
     * positions, the vision tower's 2-D positions), not in how they are applied.
     *
     * <p>The default reads {@code x} to the host, rotates and writes it back, so any backend has the
     * operation; CPU backends override it.
     */
    default void rotary(Tensor x, Tensor cos, Tensor sin, int rows, int heads, int headDim) {
        int half = headDim / 2, n = rows * heads * headDim;
        float[] d = new float[n], c = new float[rows * half], s = new float[rows * half];
        read(x, 0, d, 0, n);
        read(cos, 0, c, 0, c.length);
        read(sin, 0, s, 0, s.length);
        Rotary.apply(d, c, s, rows, heads, headDim);
        write(x, 0, d, 0, n);
    }

    /** {@code out[i] = silu(gate[i]) * up[i]}. */
    void swiglu(Tensor out, Tensor gate, Tensor up, int n);

    /** GELU in place; {@code tanh} selects the tanh approximation ({@code gelu_pytorch_tanh}). */
    void gelu(Tensor x, int n, boolean tanh);

    /** {@code acc[i] += x[i]} (residual connections). */
    void add(Tensor acc, Tensor x, int n);

    /**
     * Attention of one sequence over contiguous keys: {@code nq} query rows starting at row
     * {@code qRow} of {@code q} ({@code heads * headDim} wide) against key/value rows
     * {@code 0..kvLen-1} of {@code k} and {@code v} ({@code kvHeads * headDim} wide), under the mask
     * of {@link BatchLayout.Sequence}. The vision towers' call; the default is the one-sequence
     * {@link #batchedAttention}.
     */
    default void attention(Tensor out, Tensor q, int qRow, int nq, Tensor k, Tensor v, int kvLen,
                           int queryPos0, int maskBlock, int heads, int kvHeads, int headDim) {
        batchedAttention(out, q, k, v, BatchLayout.of(BatchLayout.Sequence.contiguous(qRow, nq, queryPos0, kvLen,
                maskBlock)), heads, kvHeads, headDim);
    }

    /**
     * Attention of every sequence of a batch in one call: for each {@link BatchLayout.Sequence}, its
     * query rows of {@code q} ({@code heads * headDim} wide) against its positions {@code 0 ..
     * kvLength - 1}, position {@code j} at row {@code pages.row(j)} of {@code k} and {@code v}
     * ({@code kvHeads * headDim} wide, grouped-query: query head {@code h} reads kv head
     * {@code h / (heads / kvHeads)}), block-causal as the sequence's mask block says. Output goes to
     * the same rows of {@code out}; rows outside the layout are left alone. Scale is
     * {@code 1/sqrt(headDim)}.
     *
     * <p>A row's result must not depend on the other sequences nor on the page layout: it equals the
     * one-sequence call over the same keys in a contiguous buffer (to the bit on the CPU backends).
     */
    void batchedAttention(Tensor out, Tensor q, Tensor k, Tensor v, BatchLayout layout, int heads, int kvHeads,
                          int headDim);

    /**
     * The KV write of a batch in one call: for each sequence, rows {@code row0 + i} of {@code k} and
     * {@code v} ({@code kvDim} wide) go to the rows of positions {@code pos0 + i} of its page table in
     * {@code keys} and {@code values}. Sequences sharing a table must not write the same position.
     *
     * <p>The default copies one run of consecutive positions within a page at a time, with
     * {@link #copy}: right on any backend, one call per run; a device backend does it in one launch.
     */
    default void writeKv(Tensor keys, Tensor values, Tensor k, Tensor v, BatchLayout layout, int kvDim) {
        for (BatchLayout.Sequence s : layout.sequences()) {
            int ps = s.pages().pageSize();
            for (int done = 0; done < s.rows(); ) {
                int pos = s.pos0() + done;
                int run = Math.min(s.rows() - done, ps - pos % ps);
                int dst = s.pages().row(pos) * kvDim, src = (s.row0() + done) * kvDim;
                copy(k, src, keys, dst, run * kvDim);
                copy(v, src, values, dst, run * kvDim);
                done += run;
            }
        }
    }

    /**
     * For each row: the argmax token and its softmax probability (the greedy confidence), so that
     * only ids and confidences cross to the host.
     */
    void argmaxConfidence(Tensor logits, int rows, int vocab, int[] ids, float[] confidence);

    /**
     * A new backend of the same kind for another thread (the vision tower encoding beside decoding),
     * whose tensors this one reads directly and which shares no mutable state with it; the caller
     * owns and closes it. Empty when tensors cannot cross: a device context is bound to its thread
     * and its memory budget is shared, so the CUDA backend (and the default) encodes on the thread
     * that decodes.
     */
    default Optional<Backend> sibling() {
        return Optional.empty();
    }

    @Override
    default void close() {
    }
}
