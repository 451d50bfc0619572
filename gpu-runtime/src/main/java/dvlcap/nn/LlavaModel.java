package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelConfig;
import dvlcap.model.QwenVlTensorNames;
import dvlcap.model.WeightSource;

import java.util.List;

/** A vision-language model on one backend: the family's vision encoder, and the Qwen2 LM. */
public final class LlavaModel implements AutoCloseable {
    private final ModelConfig config;
    private final Backend backend;
    private final VisionEncoder vision;
    private final Qwen2Model lm;

    private LlavaModel(ModelConfig config, Backend backend, VisionEncoder vision, Qwen2Model lm) {
        this.config = config;
        this.backend = backend;
        this.vision = vision;
        this.lm = lm;
    }

    /** Loads every weight, checking shapes against {@code config}; errors name file and tensor. */
    public static LlavaModel load(Backend backend, ModelConfig config, WeightSource source) {
        return load(backend, backend, config, source);
    }

    /**
     * The same with the vision encoder on {@code visionBackend}, whose tensors {@code backend} can read
     * (a {@link Backend#sibling()}, so that images are encoded on another thread); the caller owns both.
     */
    public static LlavaModel load(Backend backend, Backend visionBackend, ModelConfig config, WeightSource source) {
        // qwen2.5-vl: the LM under Qwen2's names whatever the release's layout, with its position scheme
        Qwen2Model lm = config.isQwenVl()
                ? Qwen2Model.load(backend, config.text(), QwenVlTensorNames.detect(source).lmView(source),
                        config.qwenVl().mropeSection())
                : new Qwen2Model(backend, config.text(), source);
        try {
            return new LlavaModel(config, backend, VisionEncoders.load(visionBackend, config, source), lm);
        } catch (RuntimeException e) {
            lm.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public Backend backend() {
        return backend;
    }

    public VisionEncoder vision() {
        return vision;
    }

    public Qwen2Model lm() {
        return lm;
    }

    /**
     * The rotary positions of a prompt ({@code ids}, image rows {@link InputRows#IMAGE}) and of the
     * answer after it: M-RoPE's (Qwen2.5-VL, Fast-dVLM) for an LM that uses them, else null
     * (positions = cache slots).
     */
    public RopePositions positions(int[] ids, VisionInput image) {
        if (!lm.usesMrope()) {
            return null;
        }
        if (image == null) {
            return MropePositions.of(ids, 0, 0);
        }
        QwenVisionEncoder q = (QwenVisionEncoder) vision;
        return MropePositions.of(ids, q.unitRows(image), q.unitCols(image));
    }

    /**
     * The uncached reference forward: logits of every position of one sequence, computed from
     * scratch with a fresh cache. {@code ids[i] < 0} marks an image row, taken in order from
     * {@code image}. Used by tests as the oracle for cached, batched decoding.
     */
    public float[] fullLogits(int[] ids, Tensor image, int maskBlock) {
        return fullLogits(ids, image, null, maskBlock);
    }

    /** {@link #fullLogits(int[], Tensor, int)} with the sequence's rotary positions (null: its slots). */
    public float[] fullLogits(int[] ids, Tensor image, RopePositions positions, int maskBlock) {
        int h = config.text().hiddenSize(), n = ids.length;
        try (KvCache cache = lm.newCache(n); Tensor x = backend.allocate(n * h)) {
            InputRows.fill(backend, lm, x, 0, ids, 0, image);
            lm.forward(x, List.of(new Segment(cache, 0, n, maskBlock, positions)));
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = i;
            }
            Tensor logits = lm.logits(x, rows);
            float[] out = new float[n * config.text().vocabSize()];
            backend.read(logits, 0, out, 0, out.length);
            return out;
        }
    }

    @Override
    public void close() {
        vision.close();
        lm.close();
    }
}
