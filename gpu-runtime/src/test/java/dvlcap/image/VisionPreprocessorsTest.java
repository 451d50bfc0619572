package dvlcap.image;

import dvlcap.model.ModelConfigReader;
import dvlcap.model.ModelConfig;
import dvlcap.testing.TinyCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class VisionPreprocessorsTest {

    @Test
    void aLlavaModelWithoutPreprocessorConfigGetsLlavasFixedSiglipSettings(@TempDir Path tmp) throws Exception {
        Path dir = TinyCheckpoints.write(tmp.resolve("m"), TinyCheckpoints.Spec.tiny(1));
        ModelConfig config = ModelConfigReader.read(dir.resolve("config.json"));
        Path file = dir.resolve(PreprocessorConfig.FILE_NAME);
        BufferedImage im = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 23; y++) {
            for (int x = 0; x < 37; x++) {
                im.setRGB(x, y, (x * 7 << 16) | (y * 11 << 8) | ((x + y) * 3));
            }
        }
        PreprocessorConfig.writeSiglip(dir, config.vision().imageSize());
        float[] withFile = VisionPreprocessors.load(file, config).preprocess(im).pixels();
        Files.delete(file);
        float[] without = VisionPreprocessors.load(file, config).preprocess(im).pixels();
        assertArrayEquals(withFile, without);
    }
}
