package dvlcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dvlcap.image.PreprocessorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer is the reader's inverse: what it writes reads back as the config it was given. */
class ModelConfigWriterTest {

    private static ModelConfig config(DecodingDefaults decoding, String aspect) {
        TextConfig text = new TextConfig(151_936, 896, 4864, 24, 14, 2, 64, 1e-6f, 1_000_000f, 32_768, true);
        VisionConfig vision = new VisionConfig(1152, 4304, 27, 16, 384, 14, 3, 1e-6f, true);
        return new ModelConfig("llava-qwen2", text, vision, 896, -2, decoding, aspect);
    }

    @Test
    void diffusionConfigWithSeveralEosIdsAndASystemPromptReadsBackEqual(@TempDir Path dir) {
        ModelConfig c = config(new DecodingDefaults(151_665, List.of(151_645, 151_643), 8, "You are helpful.",
                "Describe this image.", "<image>"), "pad");
        assertEquals(c, ModelConfigWriter.write(dir, c, DType.BF16));
    }

    @Test
    void autoregressiveConfigReadsBackEqualAndHasNoMaskKeys(@TempDir Path dir) throws Exception {
        ModelConfig c = config(new DecodingDefaults(-1, List.of(151_645), 1, null, "Describe this image in detail.",
                "<image>"), "square");
        assertEquals(c, ModelConfigWriter.write(dir, c, DType.F32));
        String json = Files.readString(dir.resolve("config.json"));
        assertFalse(json.contains("mask_token_id"), json);
        assertFalse(json.contains("9.99999"), "floats are written as their shortest decimal: " + json);
    }

    @Test
    void theEmbeddedModelsConfigSurvivesARoundTrip(@TempDir Path dir) {
        // tests run in the module directory; the shipped models are beside it
        ModelConfig shipped = ModelConfigReader.read(Path.of("..", "models", EmbeddedModels.DEFAULT, "config.json"));
        assertEquals(shipped, ModelConfigWriter.write(dir, shipped, DType.F32));
    }

    @Test
    void weightsWithoutATorchDtypeAreRefused() {
        ModelConfig c = config(new DecodingDefaults(-1, List.of(1), 1, null, "x", "<image>"), "square");
        assertThrows(IllegalArgumentException.class, () -> ModelConfigWriter.toJson(c, DType.I64));
    }

    @Test
    void writtenSiglipProcessorReadsBackAsSiglipsProcessor(@TempDir Path dir) {
        PreprocessorConfig.writeSiglip(dir, 64);
        PreprocessorConfig read = PreprocessorConfig.read(dir), expected = PreprocessorConfig.siglip(64);
        assertEquals(expected.resample(), read.resample());
        assertEquals(List.of(expected.resizeHeight(), expected.resizeWidth(), expected.rescaleFactor()),
                List.of(read.resizeHeight(), read.resizeWidth(), read.rescaleFactor()));
        assertArrayEquals(expected.mean(), read.mean());
        assertArrayEquals(expected.std(), read.std());
    }
}
