package dvlcap.inspect;

import dvlcap.model.TextConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code dvlcap inspect} says about a model directory. Parts that need an accepted config
 * ({@code text}, {@code memory}, {@code vision}, {@code decoding}) are null when the engine refuses it; the
 * refusal is then in {@code notSupported}.
 *
 * @param family the family the engine runs it as, or the guess from {@code model_type} when it refuses it
 * @param weightFiles safetensors files read (headers only)
 * @param notSupported what the engine cannot run, empty when it runs the model
 */
public record Inspection(Path dir, String family, String modelType, List<String> architectures,
                         ParameterCount parameters, List<DtypeUse> dtypes, int weightFiles, TextConfig text,
                         MemoryEstimate memory, VisionSummary vision, DecodingSummary decoding,
                         List<Unsupported> notSupported) {
    public Inspection {
        architectures = List.copyOf(architectures);
        dtypes = List.copyOf(dtypes);
        notSupported = List.copyOf(notSupported);
    }

    public boolean supported() {
        return notSupported.isEmpty();
    }
}
