package dvlcap.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.backend.VectorBackend;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.QwenVlTensorNames;
import dvlcap.model.SafetensorsFile;
import dvlcap.model.WeightSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/**
 * The tower and merger against transformers' Qwen2.5-VL visual forward on a tiny random model (4
 * blocks, block 2 full attention, windows of 2x2 merged units): image a (8x12 patches, six whole
 * windows) and image b (10x6 patches, partial windows in the last row and column).
 */
class QwenVisionEncoderParityTest {

    private static float[] encode(Backend b, Path dir, VisionInput image) {
        ModelConfig config = ModelConfigReader.read(dir.resolve("config.json"));
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            WeightSource view = QwenVlTensorNames.detect(file, file.file()).visionView(file);
            try (QwenVisionEncoder enc = QwenVisionEncoder.load(b, config.qwenVl().vision(), view)) {
                int tokens = enc.tokens(image);
                try (Tensor t = enc.encode(image)) {
                    float[] out = new float[tokens * config.text().hiddenSize()];
                    b.read(t, 0, out, 0, out.length);
                    return out;
                }
            }
        }
    }

    private static float[] reference(String name) {
        try (SafetensorsFile ref = QwenParityFixture.reference()) {
            return ref.floats(name, ref.shape(name));
        }
    }

    @Test
    void featuresMatchTransformersWithinOneInTenThousand() {
        for (Backend b : new Backend[] {new ScalarBackend(), new VectorBackend()}) {
            double ea = QwenParityFixture.relativeError(reference("features.a"),
                    encode(b, QwenParityFixture.HF, QwenParityFixture.imageA()));
            double eb = QwenParityFixture.relativeError(reference("features.b"),
                    encode(b, QwenParityFixture.HF, QwenParityFixture.imageB()));
            System.out.printf("qwen2.5-vl features on %s: max|d|/max|ref| a %.2e, b (partial windows) %.2e%n",
                    b.name(), ea, eb);
            assertTrue(ea <= 1e-4, b.name() + " image a: " + ea);
            assertTrue(eb <= 1e-4, b.name() + " image b: " + eb);
        }
    }

    @Test
    void diffusionVlLayoutGivesTheSameFeatures() {
        Backend b = new VectorBackend();
        assertArrayEquals(encode(b, QwenParityFixture.HF, QwenParityFixture.imageB()),
                encode(b, QwenParityFixture.DIFFUSIONVL, QwenParityFixture.imageB()), 0f);
    }

    @Test
    void tokensAreTheMergedUnits() {
        ModelConfig config = ModelConfigReader.read(QwenParityFixture.HF.resolve("config.json"));
        try (SafetensorsFile file = SafetensorsFile.open(QwenParityFixture.HF.resolve("model.safetensors"));
             QwenVisionEncoder enc = QwenVisionEncoder.load(new ScalarBackend(), config.qwenVl().vision(),
                     QwenVlTensorNames.detect(file, file.file()).visionView(file))) {
            assertEquals(24, enc.tokens(QwenParityFixture.imageA()));
            assertEquals(15, enc.tokens(QwenParityFixture.imageB()));
            IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                    () -> enc.tokens(new VisionInput(new float[9 * 4 * 1176], 9, 4, 0, 0)));
            assertTrue(odd.getMessage().contains("9x4"), odd.getMessage());
            IllegalArgumentException shortRows = assertThrows(IllegalArgumentException.class,
                    () -> enc.encode(new VisionInput(new float[10], 2, 2, 0, 0)));
            assertTrue(shortRows.getMessage().contains("4704"), shortRows.getMessage());
        }
    }
}
