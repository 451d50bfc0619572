package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Projection;
import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import dvlcap.model.TextConfig;
import dvlcap.model.WeightSource;

import java.util.List;

/**
 * The Qwen2 language model over a batch of sequences, each with its own KV cache and mask
 * (llama3.java style: weights in records, the forward read top to bottom).
 */
public final class Qwen2Model implements AutoCloseable {
    private static final int NORMED = 0, Q = 1, K = 2, V = 3, ATT = 4, OUT = 5, GATE = 6, UP = 7, GATHER = 8,
            LOGITS = 9, COS = 10, SIN = 11, SLOTS = 12;

    private final Backend b;
    private final TextConfig c;
    private final Weight embed;
    private final Weight lmHead;
    private final Tensor finalNorm;
    private final LmLayer[] layers;
    private final Scratch scratch;
    /** M-RoPE: the section of each rotary frequency, or null for ordinary 1-D rope. */
    private final int[] sectionOf;
    private final float[] invFreq;

    /** Loads the LM's weights from {@code source}, checking every shape against {@code config}. */
    public static Qwen2Model load(Backend backend, TextConfig config, WeightSource source) {
        return new Qwen2Model(backend, config, source, null);
    }

    /**
     * An LM with multimodal rotary positions (Qwen2.5-VL's M-RoPE): {@code mropeSection} splits the
     * rotary frequencies between the sections of a {@link Segment#positions()}; null is ordinary rope.
     */
    public static Qwen2Model load(Backend backend, TextConfig config, WeightSource source, int[] mropeSection) {
        return new Qwen2Model(backend, config, source, mropeSection);
    }

    Qwen2Model(Backend backend, TextConfig config, WeightSource source) {
        this(backend, config, source, null);
    }

    private Qwen2Model(Backend backend, TextConfig config, WeightSource source, int[] mropeSection) {
        this.b = backend;
        this.c = config;
        if (mropeSection != null) {
            sectionOf = RotaryAngles.sectionOf(mropeSection);
            if (sectionOf.length != config.headDim() / 2) {
                throw new IllegalArgumentException("mrope_section " + java.util.Arrays.toString(mropeSection)
                        + " must cover head_dim / 2 = " + config.headDim() / 2 + " frequencies");
            }
            invFreq = RotaryAngles.inverseFrequencies(config.headDim(), config.ropeTheta());
        } else {
            sectionOf = null;
            invFreq = null;
        }
        WeightLoader w = new WeightLoader(backend, source);
        embed = w.matrix("model.embed_tokens.weight", c.vocabSize(), c.hiddenSize());
        if (c.tieWordEmbeddings() && !w.has("lm_head.weight")) {
            lmHead = embed;
        } else {
            lmHead = w.matrix("lm_head.weight", c.vocabSize(), c.hiddenSize());
        }
        finalNorm = w.vector("model.norm.weight", c.hiddenSize());
        layers = new LmLayer[c.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = LmLayer.load(w, c, i);
        }
        scratch = new Scratch(backend, SLOTS);
    }

    /** Bytes of the weights one forward's matmuls read: every layer's projections and the lm_head. */
    public long matmulWeightBytes() {
        long bytes = lmHead.bytes();
        for (LmLayer l : layers) {
            for (Weight w : new Weight[] {l.q(), l.k(), l.v(), l.o(), l.gate(), l.up(), l.down()}) {
                bytes += w.bytes();
            }
        }
        return bytes;
    }

    public TextConfig config() {
        return c;
    }

    /** Whether rows take multimodal rotary positions ({@link Segment#positions()}) rather than their slots. */
    public boolean usesMrope() {
        return sectionOf != null;
    }

    /** Writes the embeddings of {@code ids} into rows {@code row..} of {@code x}. */
    public void embed(Tensor x, int row, int[] ids) {
        b.embed(x, row, embed, ids, ids.length);
    }

    /** A cache with room for {@code capacity} positions, on a pool of its own (one-off forwards, tests). */
    public KvCache newCache(int capacity) {
        return KvCache.standalone(b, c.numLayers(), capacity, c.kvDim());
    }

    /** The engine's KV pool: {@code pages} pages of {@code pageSize} positions of every layer. */
    public KvPool newPool(int pageSize, int pages) {
        return KvPool.allocate(b, c.numLayers(), c.kvDim(), pageSize, pages);
    }

    /** Bytes one pool page of {@code pageSize} positions takes for this model. */
    public long pageBytes(int pageSize) {
        return KvPool.pageBytes(c.numLayers(), c.kvDim(), pageSize);
    }

    /**
     * Runs every layer over {@code x} ({@code sum(rows) x hidden}, the segments' rows in order), in
     * place: afterwards {@code x} holds the last layer's output (before the final norm). Each
     * segment's keys and values are written into its cache at its positions. Per layer, one KV write
     * and one attention call cover every segment on a pool (the whole batch in the engine).
     */
    public void forward(Tensor x, List<Segment> segments) {
        int rows = 0;
        for (Segment s : segments) {
            rows += s.rows();
        }
        int[] positions = new int[rows];
        int r0 = 0;
        for (Segment s : segments) {
            for (int i = 0; i < s.rows(); i++) {
                positions[r0 + i] = s.pos0() + i;
            }
            r0 += s.rows();
        }
        Tensor cos = null, sin = null;
        if (sectionOf != null) {
            cos = scratch.get(COS, rows * c.headDim() / 2);
            sin = scratch.get(SIN, rows * c.headDim() / 2);
            writeMropeAngles(segments, rows, cos, sin);
        }
        List<KvBatch> batches = KvBatch.of(segments); // one per pool: the engine's forwards make one
        int h = c.hiddenSize(), qd = c.qDim(), kvd = c.kvDim(), m = c.intermediateSize();
        Tensor normed = scratch.get(NORMED, rows * h);
        Tensor q = scratch.get(Q, rows * qd), k = scratch.get(K, rows * kvd), v = scratch.get(V, rows * kvd);
        Tensor att = scratch.get(ATT, rows * qd), out = scratch.get(OUT, rows * h);
        Tensor gate = scratch.get(GATE, rows * m), up = scratch.get(UP, rows * m);
        for (int l = 0; l < layers.length; l++) {
            LmLayer layer = layers[l];
            b.rmsNorm(normed, x, layer.inputNorm(), rows, h, c.rmsNormEps());
            b.matmuls(normed, rows, new Projection(q, layer.q(), layer.qBias()), new Projection(k, layer.k(), layer.kBias()),
                    new Projection(v, layer.v(), layer.vBias()));
            if (sectionOf == null) {
                b.rope(q, positions, rows, c.numHeads(), c.headDim(), c.ropeTheta());
                b.rope(k, positions, rows, c.numKvHeads(), c.headDim(), c.ropeTheta());
            } else {
                b.rotary(q, cos, sin, rows, c.numHeads(), c.headDim());
                b.rotary(k, cos, sin, rows, c.numKvHeads(), c.headDim());
            }
            // every write before any attention: a segment may read rows another segment of its
            // cache writes in this forward (the fast decoders' context and block)
            for (KvBatch kb : batches) {
                b.writeKv(kb.pool().keys(l), kb.pool().values(l), k, v, kb.layout(), kvd);
            }
            for (KvBatch kb : batches) {
                b.batchedAttention(att, q, kb.pool().keys(l), kb.pool().values(l), kb.layout(), c.numHeads(),
                        c.numKvHeads(), c.headDim());
            }
            b.matmul(out, att, layer.o(), null, rows);
            b.add(x, out, rows * h);
            b.rmsNorm(normed, x, layer.postNorm(), rows, h, c.rmsNormEps());
            b.matmuls(normed, rows, new Projection(gate, layer.gate(), null), new Projection(up, layer.up(), null));
            b.swiglu(gate, gate, up, rows * m);
            b.matmul(out, gate, layer.down(), null, rows);
            b.add(x, out, rows * h);
        }
    }

    /**
     * The M-RoPE angles of every row: each segment's (t, h, w) positions (its slots on all three when it
     * has no {@link Segment#positions()}), frequency i turning with section {@code sectionOf[i]}; float
     * products as transformers' {@code Qwen2_5_VLRotaryEmbedding} computes them.
     */
    private void writeMropeAngles(List<Segment> segments, int rows, Tensor cos, Tensor sin) {
        int half = c.headDim() / 2;
        int[][] pos = new int[3][rows];
        int r0 = 0;
        for (Segment s : segments) {
            if (s.positions() == null) {
                for (int i = 0; i < s.rows(); i++) {
                    pos[0][r0 + i] = pos[1][r0 + i] = pos[2][r0 + i] = s.pos0() + i;
                }
            } else {
                s.positions().fill(s.pos0(), s.rows(), pos, r0);
            }
            r0 += s.rows();
        }
        float[] cs = new float[rows * half], sn = new float[rows * half];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < half; i++) {
                float angle = pos[sectionOf[i]][r] * invFreq[i];
                cs[r * half + i] = (float) Math.cos(angle);
                sn[r * half + i] = (float) Math.sin(angle);
            }
        }
        b.write(cos, 0, cs, 0, cs.length);
        b.write(sin, 0, sn, 0, sn.length);
    }

    /**
     * Logits of the chosen rows of {@code x} (the output of {@link #forward}): final norm and
     * lm_head on those rows only. Returns a scratch tensor of {@code rows.length x vocab}, valid
     * until the next call.
     */
    public Tensor logits(Tensor x, int[] rows) {
        int h = c.hiddenSize();
        Tensor gathered = scratch.get(GATHER, rows.length * h);
        for (int i = 0; i < rows.length; i++) {
            b.copy(x, rows[i] * h, gathered, i * h, h);
        }
        Tensor normed = scratch.get(NORMED, rows.length * h);
        b.rmsNorm(normed, gathered, finalNorm, rows.length, h, c.rmsNormEps());
        Tensor logits = scratch.get(LOGITS, rows.length * c.vocabSize());
        b.matmul(logits, normed, lmHead, null, rows.length);
        return logits;
    }

    @Override
    public void close() {
        for (LmLayer l : layers) {
            l.close();
        }
        embed.close();
        if (lmHead != embed) {
            lmHead.close();
        }
        finalNorm.close();
        scratch.close();
    }
}
