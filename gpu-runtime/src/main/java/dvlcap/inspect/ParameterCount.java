package dvlcap.inspect;

import java.util.List;

/**
 * Parameters of a checkpoint by part, from its headers. The part is told by the tensor name, for the layouts
 * of every family the engine knows: LLaVA's ({@code model.vision_tower.}, {@code model.mm_projector.},
 * {@code model.image_newline}) and Qwen2.5-VL's ({@code visual.} / {@code model.visual.}, whose
 * {@code merger} is the projector); everything else is the language model.
 */
public record ParameterCount(long total, long languageModel, long visionTower, long projector) {
    private static final List<String> PROJECTOR = List.of("model.mm_projector.", "mm_projector.", "model.image_newline",
            "image_newline", "visual.merger.", "model.visual.merger.");
    private static final List<String> VISION = List.of("model.vision_tower.", "vision_tower.", "visual.", "model.visual.");

    public static ParameterCount of(List<WeightHeaders.Entry> tensors) {
        long lm = 0, vision = 0, projector = 0;
        for (WeightHeaders.Entry t : tensors) {
            long n = t.numel();
            switch (part(t.name())) {
                case "projector" -> projector += n;
                case "vision_tower" -> vision += n;
                default -> lm += n;
            }
        }
        return new ParameterCount(lm + vision + projector, lm, vision, projector);
    }

    /** language_model, vision_tower or projector. */
    static String part(String name) {
        for (String p : PROJECTOR) {
            if (name.startsWith(p)) {
                return "projector";
            }
        }
        for (String p : VISION) {
            if (name.startsWith(p)) {
                return "vision_tower";
            }
        }
        return "language_model";
    }
}
