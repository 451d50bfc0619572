package dvlcap.hostile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Hostile variants of one valid config.json: one key, at the top level or in {@code vision_config},
 * set to zero, a negative or huge number, a value of the wrong type, null, or removed.
 */
final class ConfigMutator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String VISION = "vision_config";

    private final String fileName;
    private final ObjectNode root;
    private final List<String> topKeys = new ArrayList<>();
    private final List<String> visionKeys = new ArrayList<>();

    ConfigMutator(String fileName, byte[] original) {
        this.fileName = fileName;
        try {
            this.root = (ObjectNode) JSON.readTree(original);
        } catch (IOException e) {
            throw new UncheckedIOException("the seed config must be valid", e);
        }
        root.fieldNames().forEachRemaining(topKeys::add);
        root.get(VISION).fieldNames().forEachRemaining(visionKeys::add);
    }

    Mutation mutate(MutationKind kind, Random r) {
        ObjectNode copy = root.deepCopy();
        ObjectNode parent;
        String key, path;
        if (kind == MutationKind.VISION_CONFIG_KEY) {
            parent = (ObjectNode) copy.get(VISION);
            key = visionKeys.get(r.nextInt(visionKeys.size()));
            path = VISION + "." + key;
        } else if (kind == MutationKind.CONFIG_KEY) {
            parent = copy;
            key = topKeys.get(r.nextInt(topKeys.size()));
            path = key;
        } else {
            throw new IllegalArgumentException(kind + " is not a config mutation");
        }
        JsonNode was = parent.get(key);
        JsonNode value = value(was, r);
        String what;
        if (value == null) {
            parent.remove(key);
            what = "removed";
        } else {
            parent.set(key, value);
            what = value + " (was " + shortened(was) + ")";
        }
        try {
            return new Mutation(kind, fileName, key, path + " " + what, JSON.writeValueAsBytes(copy));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A hostile replacement for {@code was}, or null to remove the key. */
    private static JsonNode value(JsonNode was, Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> NODES.numberNode(0);
            case 1 -> {
                long[] negative = {-1, -2, -64, Integer.MIN_VALUE, Long.MIN_VALUE};
                yield NODES.numberNode(negative[r.nextInt(negative.length)]);
            }
            case 2 -> {
                long[] huge = {Integer.MAX_VALUE, 1L << 31, 1_000_000_000L, 1L << 40, 100_000, 1 << 20, 65_537};
                yield NODES.numberNode(huge[r.nextInt(huge.length)]);
            }
            case 3 -> switch (r.nextInt(3)) {
                case 0 -> NODES.numberNode(1e308);
                case 1 -> NODES.numberNode(new BigInteger("99999999999999999999999999"));
                default -> NODES.numberNode(was != null && was.isNumber() ? was.asDouble() * 2 + 1 : 3);
            };
            case 4 -> {
                // the same number spelled as a string, a fraction, a bool, a list or an object
                JsonNode[] wrong = {NODES.textNode(was == null ? "x" : was.asText()), NODES.numberNode(2.5),
                        NODES.booleanNode(true), NODES.arrayNode().add(was == null ? NODES.numberNode(1) : was.deepCopy()),
                        NODES.objectNode().put("value", 1), NODES.textNode("")};
                yield wrong[r.nextInt(wrong.length)];
            }
            case 5 -> NODES.nullNode();
            case 6 -> null;
            default -> {
                // small changes that may be harmless or break a relation between keys (divisibility, evenness)
                long base = was != null && was.isNumber() ? was.asLong() : 8;
                long[] near = {base + 1, base - 1, base * 2, base / 2, base * 3, 1, 7};
                yield NODES.numberNode(near[r.nextInt(near.length)]);
            }
        };
    }

    private static String shortened(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
