package dvlcap.backend;

import dvlcap.model.StoredTensor;

/**
 * What the CPU backends share: heap memory, weights (float32 on the heap, bf16/f16 left mapped),
 * gathers and the light element-wise ops. Subclasses provide the heavy kernels (matmul, attention).
 */
public abstract class CpuBackend implements Backend {

    @Override
    public Tensor allocate(int n) {
        return new CpuTensor(new float[n]);
    }

    /** Heap not yet taken: the most the JVM may grow to, less what is live now. */
    @Override
    public long freeMemoryBytes() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** A quarter: the heap also holds activations, images, the caller's data (a Spark task's rows). */
    @Override
    public double defaultKvFraction() {
        return 0.25;
    }

    @Override
    public void write(Tensor dst, int dstOff, float[] src, int srcOff, int n) {
        System.arraycopy(src, srcOff, CpuTensor.of(dst), dstOff, n);
    }

    @Override
    public void read(Tensor src, int srcOff, float[] dst, int dstOff, int n) {
        System.arraycopy(CpuTensor.of(src), srcOff, dst, dstOff, n);
    }

    @Override
    public void copy(Tensor src, int srcOff, Tensor dst, int dstOff, int n) {
        System.arraycopy(CpuTensor.of(src), srcOff, CpuTensor.of(dst), dstOff, n);
    }

    @Override
    public Weight weight(float[] data, int rows, int cols) {
        return new CpuWeight(data, rows, cols);
    }

    /** Float32 goes to the heap; bf16 and f16 stay in the tensor's (mapped) buffers. */
    @Override
    public Weight weight(StoredTensor data, int rows, int cols) {
        return CpuWeight.of(data, rows, cols);
    }

    @Override
    public void embed(Tensor out, int outRow, Weight table, int[] ids, int n) {
        CpuWeight t = CpuWeight.of(table);
        float[] o = CpuTensor.of(out);
        int dim = t.cols();
        for (int r = 0; r < n; r++) {
            int id = ids[r];
            if (id < 0 || id >= t.rows()) {
                throw new IllegalArgumentException("token id " + id + " outside the embedding table of " + t.rows());
            }
            t.readRow(id, o, (outRow + r) * dim);
        }
    }

    @Override
    public void rmsNorm(Tensor out, Tensor x, Tensor weight, int rows, int dim, float eps) {
        float[] o = CpuTensor.of(out), in = CpuTensor.of(x), w = CpuTensor.of(weight);
        for (int r = 0; r < rows; r++) {
            int base = r * dim;
            double ss = 0;
            for (int i = 0; i < dim; i++) {
                ss += (double) in[base + i] * in[base + i];
            }
            float inv = (float) (1.0 / Math.sqrt(ss / dim + eps));
            for (int i = 0; i < dim; i++) {
                o[base + i] = in[base + i] * inv * w[i];
            }
        }
    }

    @Override
    public void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, int rows, int dim, float eps) {
        float[] o = CpuTensor.of(out), in = CpuTensor.of(x), w = CpuTensor.of(weight), b = CpuTensor.of(bias);
        for (int r = 0; r < rows; r++) {
            int base = r * dim;
            double mean = 0;
            for (int i = 0; i < dim; i++) {
                mean += in[base + i];
            }
            mean /= dim;
            double var = 0;
            for (int i = 0; i < dim; i++) {
                double d = in[base + i] - mean;
                var += d * d;
            }
            var /= dim;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            float m = (float) mean;
            for (int i = 0; i < dim; i++) {
                o[base + i] = (in[base + i] - m) * inv * w[i] + b[i];
            }
        }
    }

    @Override
    public void rope(Tensor x, int[] positions, int rows, int heads, int headDim, float theta) {
        float[] d = CpuTensor.of(x);
        int half = headDim / 2;
        float[] cos = new float[half], sin = new float[half];
        for (int r = 0; r < rows; r++) {
            int pos = positions[r];
            for (int i = 0; i < half; i++) {
                // inv_freq computed in float like Hugging Face, angle in double then rounded
                float invFreq = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
                double angle = (double) pos * invFreq;
                cos[i] = (float) Math.cos(angle);
                sin[i] = (float) Math.sin(angle);
            }
            for (int h = 0; h < heads; h++) {
                int base = (r * heads + h) * headDim;
                for (int i = 0; i < half; i++) {
                    float a = d[base + i], b = d[base + i + half];
                    d[base + i] = a * cos[i] - b * sin[i];
                    d[base + i + half] = b * cos[i] + a * sin[i];
                }
            }
        }
    }

    @Override
    public void rotary(Tensor x, Tensor cos, Tensor sin, int rows, int heads, int headDim) {
        Rotary.apply(CpuTensor.of(x), CpuTensor.of(cos), CpuTensor.of(sin), rows, heads, headDim);
    }

    @Override
    public void swiglu(Tensor out, Tensor gate, Tensor up, int n) {
        float[] o = CpuTensor.of(out), g = CpuTensor.of(gate), u = CpuTensor.of(up);
        for (int i = 0; i < n; i++) {
            float a = g[i];
            o[i] = a / (1f + (float) Math.exp(-a)) * u[i];
        }
    }

    @Override
    public void gelu(Tensor x, int n, boolean tanh) {
        float[] d = CpuTensor.of(x);
        for (int i = 0; i < n; i++) {
            d[i] = tanh ? Activations.geluTanh(d[i]) : Activations.geluErf(d[i]);
        }
    }

    @Override
    public void add(Tensor acc, Tensor x, int n) {
        float[] a = CpuTensor.of(acc), b = CpuTensor.of(x);
        for (int i = 0; i < n; i++) {
            a[i] += b[i];
        }
    }

    /**
     * Checked here, once, for every CPU kernel: a bad table would otherwise read another sequence's
     * rows, and an overrun inside a worker thread would surface as a confusing wrapped exception.
     */
    static void checkLayout(BatchLayout layout, float[] out, float[] q, float[] k, float[] v, int heads, int kvHeads,
                            int headDim) {
        if (heads < 1 || kvHeads < 1 || headDim < 1 || heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " query heads, " + kvHeads + " kv heads of " + headDim
                    + ": query heads must be a positive multiple of kv heads");
        }
        long qRows = (long) layout.rowsSpanned() * heads * headDim;
        if (qRows > q.length || qRows > out.length) {
            throw new IllegalArgumentException("the layout's query rows reach row " + layout.rowsSpanned() + " of "
                    + heads * headDim + " floats; queries hold " + q.length + ", output " + out.length + " floats");
        }
        long kvStride = (long) kvHeads * headDim, need = layout.kvRowsSpanned() * kvStride;
        if (need > k.length || need > v.length) {
            throw new IllegalArgumentException("page table reaches row " + layout.kvRowsSpanned() + " of " + kvStride
                    + " floats; keys hold " + k.length + ", values " + v.length + " floats");
        }
    }

    @Override
    public void argmaxConfidence(Tensor logits, int rows, int vocab, int[] ids, float[] confidence) {
        float[] l = CpuTensor.of(logits);
        for (int r = 0; r < rows; r++) {
            int base = r * vocab;
            int best = 0;
            float max = l[base];
            for (int i = 1; i < vocab; i++) {
                if (l[base + i] > max) {
                    max = l[base + i];
                    best = i;
                }
            }
            double sum = 0;
            for (int i = 0; i < vocab; i++) {
                sum += Math.exp(l[base + i] - max);
            }
            ids[r] = best;
            confidence[r] = (float) (1.0 / sum);
        }
    }
}
