package dvlcap.inspect;

import java.util.Map;
import java.util.Optional;

/** The {@link FamilyInspector} of each family the engine runs, by {@code ModelConfig.family()}. */
public final class FamilyInspectors {
    private static final Map<String, FamilyInspector> BY_FAMILY = Map.of(
            "llava-qwen2", new LlavaInspector(),
            "qwen2.5-vl", new QwenVlInspector());

    private FamilyInspectors() {
    }

    public static Optional<FamilyInspector> forFamily(String family) {
        return Optional.ofNullable(BY_FAMILY.get(family));
    }

    /** The families with an inspector, sorted, for messages. */
    public static String families() {
        return String.join(", ", new java.util.TreeSet<>(BY_FAMILY.keySet()));
    }
}
