package dvlcap.image;

import dvlcap.model.ModelConfig;

import java.nio.file.Path;

/**
 * Chooses a model's image preprocessing from its config: one place that knows which family and
 * which {@code image_aspect_ratio} take which {@link VisionPreprocessor}.
 */
public final class VisionPreprocessors {
    private VisionPreprocessors() {
    }

    /**
     * The preprocessor for {@code config}, reading {@code preprocessorConfig}
     * ({@code preprocessor_config.json}). A config this engine cannot preprocess for is a
     * {@link dvlcap.model.ModelFileException} naming the file and key.
     */
    public static VisionPreprocessor load(Path preprocessorConfig, ModelConfig config) {
        if (config.isQwenVl()) {
            return QwenVlImagePreprocessor.load(preprocessorConfig);
        }
        if (config.tiling().anyres()) {
            return new AnyresPreprocessor(PreprocessorConfig.read(preprocessorConfig), config.vision(),
                    config.tiling().pinpoints());
        }
        return ImagePreprocessor.load(preprocessorConfig, config.vision(), AspectMode.parse(config.imageAspectRatio()));
    }
}
