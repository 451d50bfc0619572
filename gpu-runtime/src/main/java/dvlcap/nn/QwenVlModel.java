package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelConfig;
import dvlcap.model.QwenVlTensorNames;
import dvlcap.model.WeightSource;

import java.nio.file.Path;
import java.util.List;

/**
 * A qwen2.5-vl model on one backend: Qwen2.5-VL's vision tower and merger, and the Qwen2 LM with
 * M-RoPE (Qwen2.5-VL, Fast-dVLM) or plain 1-D positions (DiffusionVL), its tensors found in whichever
 * layout the release stores ({@link QwenVlTensorNames}).
 */
public final class QwenVlModel implements AutoCloseable {
    private final ModelConfig config;
    private final Backend backend;
    private final QwenVisionEncoder vision;
    private final Qwen2Model lm;

    private QwenVlModel(ModelConfig config, Backend backend, QwenVisionEncoder vision, Qwen2Model lm) {
        this.config = config;
        this.backend = backend;
        this.vision = vision;
        this.lm = lm;
    }

    /**
     * Loads every weight, checking shapes against {@code config}; {@code where} (the model directory or
     * weights file) is what an error about the layout names. Errors name file and tensor.
     */
    public static QwenVlModel load(Backend backend, ModelConfig config, WeightSource source, Path where) {
        if (!config.isQwenVl()) {
            throw new IllegalArgumentException("not a qwen2.5-vl config: " + config.family());
        }
        QwenVlTensorNames names = QwenVlTensorNames.detect(source, where);
        Qwen2Model lm = Qwen2Model.load(backend, config.text(), names.lmView(source), config.qwenVl().mropeSection());
        try {
            return new QwenVlModel(config, backend,
                    QwenVisionEncoder.load(backend, config.qwenVl().vision(), names.visionView(source)), lm);
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

    public QwenVisionEncoder vision() {
        return vision;
    }

    public Qwen2Model lm() {
        return lm;
    }

    /**
     * The rotary positions of a prompt ({@code ids}, image rows {@link InputRows#IMAGE}) and of the
     * answer after it: M-RoPE's for a model that uses it, null (positions = slots) otherwise.
     */
    public RopePositions positions(int[] ids, VisionInput image) {
        if (!lm.usesMrope()) {
            return null;
        }
        return image == null ? MropePositions.of(ids, 0, 0)
                : MropePositions.of(ids, vision.unitRows(image), vision.unitCols(image));
    }

    /**
     * The uncached reference forward: logits of every position of one sequence, from scratch with a
     * fresh cache. {@code ids[i] < 0} marks an image row, taken in order from {@code image}.
     */
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
