package dvlcap.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed, bounded reads of one object of a {@code config.json}. A value of the wrong type, out of its
 * range or missing when required is an {@link IllegalArgumentException} whose message names the key
 * (with its path, e.g. {@code vision_config.hidden_size}), the value found and what is allowed;
 * the reader wraps it into a {@link ModelFileException} naming the file. Bounds keep a hostile
 * config from sizing arrays past what the JVM can hold, or from dividing by zero.
 */
final class ConfigValues {
    /** Widths (hidden, intermediate, head sizes): far above any released model, far below 2^31 / 4. */
    static final int MAX_WIDTH = 1 << 18;
    /** Layers and attention heads. */
    static final int MAX_COUNT = 4096;
    /** Vocabulary rows. */
    static final int MAX_VOCAB = 1 << 24;
    /** Positions and image sides in pixels. */
    static final int MAX_POSITIONS = 1 << 24;
    /** Block-diffusion block size: the block is decoded as one forward of this many rows. */
    static final int MAX_BLOCK = 4096;

    private final JsonNode node;
    private final String prefix;

    ConfigValues(JsonNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    /** The object under {@code key}, for reading its keys with the path {@code prefix + key + "."}. */
    ConfigValues child(String key) {
        return new ConfigValues(node.get(key), prefix + key + ".");
    }

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** A required whole number within [min, max]. */
    int requiredInt(String key, int min, int max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(prefix + key + " is missing (a whole number from " + min + " to "
                    + max + ")");
        }
        return checkedInt(key, v, min, max);
    }

    /** A whole number within [min, max], or {@code fallback} when the key is absent or null. */
    int intOr(String key, int fallback, int min, int max) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? fallback : checkedInt(key, v, min, max);
    }

    /** A finite number within [min, max], or {@code fallback} when the key is absent or null. */
    double numberOr(String key, double fallback, double min, double max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < min || v.asDouble() > max) {
            throw new IllegalArgumentException(prefix + key + " must be a number from " + min + " to " + max
                    + ", got " + shown(v));
        }
        return v.asDouble();
    }

    /** true or false, or {@code fallback} when the key is absent or null. */
    boolean boolOr(String key, boolean fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(prefix + key + " must be true or false, got " + shown(v));
        }
        return v.asBoolean();
    }

    /** A string, or {@code fallback} when the key is absent or null. */
    String textOr(String key, String fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(prefix + key + " must be a string, got " + shown(v));
        }
        return v.asText();
    }

    /** Checks one whole number (an element of a list under {@code key}, say) within [min, max]. */
    int checkedInt(String key, JsonNode v, int min, int max) {
        boolean whole = v.isIntegralNumber() || (v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble()));
        if (!whole || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new IllegalArgumentException(prefix + key + " must be a whole number from " + min + " to " + max
                    + ", got " + shown(v));
        }
        return (int) v.asLong();
    }

    String path(String key) {
        return prefix + key;
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
