package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.model.ModelConfig;
import dvlcap.model.QwenVlTensorNames;
import dvlcap.model.WeightSource;

/** Chooses and loads a model's {@link VisionEncoder} from its config: one place per family. */
public final class VisionEncoders {
    private VisionEncoders() {
    }

    /**
     * Loads the vision side of {@code config} from {@code source}, checking every shape; errors
     * name the file and tensor.
     */
    public static VisionEncoder load(Backend backend, ModelConfig config, WeightSource source) {
        if (config.isQwenVl()) {
            return QwenVisionEncoder.load(backend, config.qwenVl().vision(),
                    QwenVlTensorNames.detect(source).visionView(source));
        }
        if (config.tiling().anyres() || config.tiling().merge().unpad()) {
            return AnyresVisionEncoder.load(backend, config, source);
        }
        return new VisionTower(backend, config, source);
    }
}
