package dvlcap.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the weights of a Hugging Face model directory, single-file or sharded. */
public final class WeightSources {
    public static final String SINGLE_FILE = "model.safetensors";

    private WeightSources() {
    }

    public static WeightSource open(Path modelDir) {
        Path single = modelDir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return SafetensorsFile.open(single);
        }
        Path index = modelDir.resolve(ShardedWeightSource.INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return ShardedWeightSource.open(index);
        }
        throw new ModelFileException(modelDir, null, "no weights: looked for " + SINGLE_FILE + " and "
                + ShardedWeightSource.INDEX_FILE);
    }
}
