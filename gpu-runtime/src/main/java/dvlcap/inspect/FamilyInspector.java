package dvlcap.inspect;

import dvlcap.model.ModelConfig;

import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code dvlcap inspect} knows of one model family beyond the config reader: how its vision side treats
 * an image and which tensors its checkpoints hold. A new family implements this and registers in
 * {@link FamilyInspectors}.
 */
public interface FamilyInspector {

    /**
     * The vision side's settings, from the config and the directory's files ({@code preprocessor_config.json},
     * {@code config.json}). {@code config} is null when the engine's config reader refused the config; an
     * inspector that needs it returns null then.
     */
    VisionSummary vision(ModelConfig config, Path modelDir);

    /**
     * Every tensor the engine loads for this config, with its shape, against which the headers are checked;
     * null when this family's tensors are not checked by inspect.
     */
    Map<String, long[]> expectedTensors(ModelConfig config);
}
