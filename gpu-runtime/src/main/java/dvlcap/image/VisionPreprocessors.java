package dvlcap.image;

import dvlcap.model.ModelConfig;

import java.nio.file.Files;
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
        PreprocessorConfig siglip = siglip(preprocessorConfig, config);
        if (config.tiling().anyres()) {
            return new AnyresPreprocessor(siglip, config.vision(), config.tiling().pinpoints());
        }
        return new ImagePreprocessor(siglip, config.vision(), AspectMode.parse(config.imageAspectRatio()));
    }

    /**
     * A llava-qwen2 model's SigLIP settings: its {@code preprocessor_config.json}, or, when the
     * release ships none, the fixed settings LLaVA's SigLIP tower uses (bicubic to the tower's
     * size, rescale 1/255, mean and std 0.5), which is what upstream runs either way.
     */
    private static PreprocessorConfig siglip(Path preprocessorConfig, ModelConfig config) {
        return Files.isRegularFile(preprocessorConfig) ? PreprocessorConfig.read(preprocessorConfig)
                : PreprocessorConfig.siglip(config.vision().imageSize());
    }
}
