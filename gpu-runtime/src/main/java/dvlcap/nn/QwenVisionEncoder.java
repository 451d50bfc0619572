package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Projection;
import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import dvlcap.image.VisionInput;
import dvlcap.model.QwenVisionConfig;
import dvlcap.model.WeightSource;

/**
 * Qwen2.5-VL's vision tower and patch merger: {@code pixel_values} rows in (Hugging Face's order, 2x2
 * patches of a merged unit consecutive), one LM row per merged unit out, units row by row.
 *
 * <p>The forward, as transformers' {@code Qwen2_5_VisionTransformerPretrainedModel}: the Conv3d patch
 * embedding as a matmul over the rows (no bias); the units reordered window by window
 * ({@link VisionWindows}); blocks of RMSNorm, attention with 2-D rotary positions (within each
 * window, or over the whole image in the full-attention blocks) and a gated SiLU MLP; the merger
 * (RMSNorm, 2x2 patches concatenated, Linear, GELU, Linear); the units put back in row order.
 * Weights are read under the legacy Hugging Face names {@code visual.*} (see
 * {@link dvlcap.model.QwenVlTensorNames} for the other layouts).
 */
public final class QwenVisionEncoder implements VisionEncoder {
    static final String PREFIX = "visual.";
    private static final float EPS = 1e-6f;
    private static final int PATCHES = 0, H = 1, NORMED = 2, Q = 3, K = 4, V = 5, ATT = 6, OUT = 7, GATE = 8, UP = 9,
            KW = 10, VW = 11, COS = 12, SIN = 13, MERGE = 14, MERGED = 15, SLOTS = 16;

    private final Backend b;
    private final QwenVisionConfig c;
    private final Weight patch;
    private final QwenVisionBlock[] blocks;
    private final Tensor lnQ;
    private final Weight mlp0, mlp2;
    private final Tensor mlp0B, mlp2B;
    private final float[] invFreq;
    private final Scratch scratch;

    private QwenVisionEncoder(Backend backend, QwenVisionConfig config, WeightSource source) {
        this.b = backend;
        this.c = config;
        WeightLoader w = new WeightLoader(backend, source);
        int vh = c.hiddenSize(), mh = vh * c.mergeUnit();
        patch = backend.weight(source.stored(PREFIX + "patch_embed.proj.weight", vh, c.inChannels(),
                c.temporalPatchSize(), c.patchSize(), c.patchSize()), vh, c.patchDim());
        blocks = new QwenVisionBlock[c.depth()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = QwenVisionBlock.load(backend, w, source, c, i);
        }
        lnQ = w.vector(PREFIX + "merger.ln_q.weight", vh);
        mlp0 = w.matrix(PREFIX + "merger.mlp.0.weight", mh, mh);
        mlp0B = w.vector(PREFIX + "merger.mlp.0.bias", mh);
        mlp2 = w.matrix(PREFIX + "merger.mlp.2.weight", c.outHiddenSize(), mh);
        mlp2B = w.vector(PREFIX + "merger.mlp.2.bias", c.outHiddenSize());
        invFreq = RotaryAngles.inverseFrequencies(c.headDim() / 2, c.ropeTheta());
        scratch = new Scratch(backend, SLOTS);
    }

    /** Loads the tower and merger from {@code source} (legacy names {@code visual.*}), checking every shape. */
    public static QwenVisionEncoder load(Backend backend, QwenVisionConfig config, WeightSource source) {
        return new QwenVisionEncoder(backend, config, source);
    }

    public QwenVisionConfig config() {
        return c;
    }

    @Override
    public int tokens(VisionInput image) {
        check(image);
        return image.gridRows() * image.gridCols() / c.mergeUnit();
    }

    /** The merged grid of an image: rows and columns of LM rows ({@code image_grid_thw} h and w over 2). */
    public int unitRows(VisionInput image) {
        return image.gridRows() / c.spatialMergeSize();
    }

    public int unitCols(VisionInput image) {
        return image.gridCols() / c.spatialMergeSize();
    }

    private void check(VisionInput image) {
        int m = c.spatialMergeSize();
        if (image.gridRows() % m != 0 || image.gridCols() % m != 0) {
            throw new IllegalArgumentException("a qwen2.5-vl image is a grid of patches whose sides divide by "
                    + m + ", got " + image.gridRows() + "x" + image.gridCols());
        }
        long want = (long) image.gridRows() * image.gridCols() * c.patchDim();
        if (image.pixels().length != want) {
            throw new IllegalArgumentException("image has " + image.pixels().length + " pixel values, a "
                    + image.gridRows() + "x" + image.gridCols() + " grid of patches needs " + want + " (rows of "
                    + c.patchDim() + ")");
        }
    }

    @Override
    public Tensor encode(VisionInput image) {
        check(image);
        int unitRows = unitRows(image), unitCols = unitCols(image), unit = c.mergeUnit();
        int units = unitRows * unitCols, n = units * unit, pd = c.patchDim(), vh = c.hiddenSize();
        int heads = c.numHeads(), hd = c.headDim(), m = c.intermediateSize();
        VisionWindows windows = VisionWindows.of(unitRows, unitCols, c.windowUnits());
        int[] order = windows.order();

        // The patch embedding works row by row, so the pixel rows can be put in window order first.
        float[] rows = new float[n * pd];
        float[] pixels = image.pixels();
        for (int j = 0; j < units; j++) {
            System.arraycopy(pixels, order[j] * unit * pd, rows, j * unit * pd, unit * pd);
        }
        Tensor patches = scratch.get(PATCHES, n * pd);
        b.write(patches, 0, rows, 0, rows.length);
        Tensor h = scratch.get(H, n * vh);
        b.matmul(h, patches, patch, null, n);

        Tensor cos = scratch.get(COS, n * hd / 2), sin = scratch.get(SIN, n * hd / 2);
        writeRotary(cos, sin, order, unitCols);

        Tensor normed = scratch.get(NORMED, n * vh), q = scratch.get(Q, n * vh), k = scratch.get(K, n * vh),
                v = scratch.get(V, n * vh), att = scratch.get(ATT, n * vh), out = scratch.get(OUT, n * vh),
                gate = scratch.get(GATE, n * m), up = scratch.get(UP, n * m);
        for (int l = 0; l < blocks.length; l++) {
            QwenVisionBlock blk = blocks[l];
            b.rmsNorm(normed, h, blk.norm1(), n, vh, EPS);
            b.matmuls(normed, n, new Projection(q, blk.q(), blk.qB()), new Projection(k, blk.k(), blk.kB()),
                    new Projection(v, blk.v(), blk.vB()));
            b.rotary(q, cos, sin, n, heads, hd);
            b.rotary(k, cos, sin, n, heads, hd);
            if (c.fullAttention(l)) {
                b.attention(att, q, 0, n, k, v, n, 0, Integer.MAX_VALUE, heads, heads, hd);
            } else {
                attendWindows(att, q, k, v, windows, unit * vh);
            }
            b.matmul(out, att, blk.proj(), blk.projB(), n);
            b.add(h, out, n * vh);
            b.rmsNorm(normed, h, blk.norm2(), n, vh, EPS);
            b.matmuls(normed, n, new Projection(gate, blk.gate(), blk.gateB()), new Projection(up, blk.up(), blk.upB()));
            b.swiglu(gate, gate, up, n * m);
            b.matmul(out, gate, blk.down(), blk.downB(), n);
            b.add(h, out, n * vh);
        }

        // Merger: each unit's 4 normed patch rows, consecutive, are one row of 4 x hidden.
        int mh = unit * vh, lm = c.outHiddenSize();
        b.rmsNorm(normed, h, lnQ, n, vh, EPS);
        Tensor merge = scratch.get(MERGE, units * mh);
        b.matmul(merge, normed, mlp0, mlp0B, units);
        b.gelu(merge, units * mh, false);
        Tensor merged = scratch.get(MERGED, units * lm);
        b.matmul(merged, merge, mlp2, mlp2B, units);
        Tensor features = b.allocate(units * lm);
        for (int j = 0; j < units; j++) {
            b.copy(merged, j * lm, features, order[j] * lm, lm);
        }
        return features;
    }

    /** Attention inside each window: the window's keys and values copied to the front of their own buffers. */
    private void attendWindows(Tensor att, Tensor q, Tensor k, Tensor v, VisionWindows windows, int unitFloats) {
        int[] starts = windows.starts();
        int unit = c.mergeUnit(), heads = c.numHeads(), hd = c.headDim();
        int largest = 0;
        for (int w = 0; w < windows.windows(); w++) {
            largest = Math.max(largest, starts[w + 1] - starts[w]);
        }
        Tensor kw = scratch.get(KW, largest * unitFloats), vw = scratch.get(VW, largest * unitFloats);
        for (int w = 0; w < windows.windows(); w++) {
            int u0 = starts[w], len = starts[w + 1] - u0;
            if (len == 0) {
                continue;
            }
            b.copy(k, u0 * unitFloats, kw, 0, len * unitFloats);
            b.copy(v, u0 * unitFloats, vw, 0, len * unitFloats);
            b.attention(att, q, u0 * unit, len * unit, kw, vw, len * unit, 0, Integer.MAX_VALUE, heads, heads, hd);
        }
    }

    /**
     * The 2-D rotary angles of every patch row in window order: a head's first quarter-pairs of
     * frequencies turn with the patch's row, the second with its column (transformers'
     * {@code Qwen2_5_VLVisionRotaryEmbedding}: inverse frequencies over head_dim / 2, h then w, the
     * halves of the head paired by rotate_half).
     */
    private void writeRotary(Tensor cos, Tensor sin, int[] order, int unitCols) {
        int half = c.headDim() / 2, quarter = half / 2, unit = c.mergeUnit(), merge = c.spatialMergeSize();
        int n = order.length * unit;
        float[] cs = new float[n * half], sn = new float[n * half];
        for (int r = 0; r < n; r++) {
            int u = order[r / unit], inUnit = r % unit;
            int row = u / unitCols * merge + inUnit / merge, col = u % unitCols * merge + inUnit % merge;
            for (int i = 0; i < half; i++) {
                float angle = (i < quarter ? row : col) * invFreq[i % quarter];
                cs[r * half + i] = (float) Math.cos(angle);
                sn[r * half + i] = (float) Math.sin(angle);
            }
        }
        b.write(cos, 0, cs, 0, cs.length);
        b.write(sin, 0, sn, 0, sn.length);
    }

    @Override
    public void close() {
        for (QwenVisionBlock blk : blocks) {
            if (blk != null) {
                blk.close();
            }
        }
        Closeables.closeAll(patch, lnQ, mlp0, mlp0B, mlp2, mlp2B, scratch);
    }
}
