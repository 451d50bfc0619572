package dvlcap.hostile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Hostile variants of one valid safetensors file: its 8-byte header length, the header's JSON bytes,
 * one tensor's offsets, shape or dtype, or the whole file cut short. Header edits re-serialise the
 * JSON and keep the data section as it was.
 */
final class SafetensorsMutator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String fileName;
    private final byte[] original;
    private final byte[] header;
    private final byte[] data;
    private final ObjectNode root;
    private final List<String> tensors = new ArrayList<>();

    SafetensorsMutator(String fileName, byte[] original) {
        this.fileName = fileName;
        this.original = original.clone();
        long len = ByteBuffer.wrap(original, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        this.header = Arrays.copyOfRange(original, 8, 8 + (int) len);
        this.data = Arrays.copyOfRange(original, 8 + (int) len, original.length);
        try {
            this.root = (ObjectNode) JSON.readTree(header);
        } catch (IOException e) {
            throw new UncheckedIOException("the seed file must be valid", e);
        }
        root.fieldNames().forEachRemaining(n -> {
            if (!n.equals("__metadata__")) {
                tensors.add(n);
            }
        });
    }

    Mutation mutate(MutationKind kind, Random r) {
        return switch (kind) {
            case HEADER_LENGTH -> headerLength(r);
            case HEADER_JSON_BYTES -> headerBytes(r);
            case TENSOR_OFFSETS -> offsets(r);
            case TENSOR_SHAPE -> shape(r);
            case TENSOR_DTYPE -> dtype(r);
            case TRUNCATION -> truncation(r);
            default -> throw new IllegalArgumentException(kind + " is not a safetensors mutation");
        };
    }

    private Mutation headerLength(Random r) {
        long len = header.length;
        long[] choices = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40, (100L << 20) + 1, original.length,
                original.length - 7, len + 1 + r.nextInt(64), Math.max(0, len - 1 - r.nextInt(64)), r.nextLong(),
                r.nextInt(1 << 20)};
        long v = choices[r.nextInt(choices.length)];
        byte[] out = original.clone();
        ByteBuffer.wrap(out, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
        return new Mutation(MutationKind.HEADER_LENGTH, fileName, null, "header length " + v + " (was " + len + ")", out);
    }

    private Mutation headerBytes(Random r) {
        byte[] h = header.clone();
        String what;
        switch (r.nextInt(5)) {
            case 0 -> {
                int flips = 1 + r.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    h[r.nextInt(h.length)] ^= (byte) (1 << r.nextInt(8));
                }
                what = flips + " bit(s) flipped";
            }
            case 1 -> {
                byte[] garbage = {0, (byte) 0xFF, (byte) 0xC3, '{', '}', '[', ']', '"', ',', ':', '\\', '-', '9', 'e'};
                int at = r.nextInt(h.length);
                h[at] = garbage[r.nextInt(garbage.length)];
                what = "byte " + at + " replaced by 0x" + Integer.toHexString(h[at] & 0xFF);
            }
            case 2 -> {
                int keep = r.nextInt(h.length);
                Arrays.fill(h, keep, h.length, (byte) ' ');
                what = "JSON cut at byte " + keep + " (padded with spaces)";
            }
            case 3 -> {
                int at = r.nextInt(h.length), n = 1 + r.nextInt(Math.min(64, h.length - at));
                for (int i = at; i < at + n; i++) {
                    h[i] = (byte) r.nextInt(256);
                }
                what = n + " random bytes at " + at;
            }
            default -> {
                int keep = r.nextInt(h.length);
                h = Arrays.copyOf(h, keep);
                what = "JSON cut at byte " + keep + " (length field adjusted, data shifted)";
            }
        }
        return new Mutation(MutationKind.HEADER_JSON_BYTES, fileName, null, what, withHeader(h));
    }

    private Mutation offsets(Random r) {
        ObjectNode copy = root.deepCopy();
        String name = pick(r);
        ObjectNode t = (ObjectNode) copy.get(name);
        long begin = t.get("data_offsets").get(0).asLong(), end = t.get("data_offsets").get(1).asLong();
        String other = pick(r);
        JsonNode otherOffsets = copy.get(other).get("data_offsets");
        ArrayNode off = NODES.arrayNode();
        String what;
        switch (r.nextInt(10)) {
            case 0 -> {
                off.add(end).add(begin);
                what = "reversed";
            }
            case 1 -> {
                long shift = 4L * (1 + r.nextInt(8));
                off.add(Math.max(0, begin - shift)).add(Math.max(0, end - shift));
                what = "shifted back " + shift + " bytes onto its neighbour";
            }
            case 2 -> {
                off.add(begin).add(data.length + 1L + r.nextInt(1 << 16));
                what = "end past the data section";
            }
            case 3 -> {
                off.add((long) data.length + r.nextInt(1024)).add((long) data.length + 1024 + r.nextInt(1024));
                what = "both past the data section";
            }
            case 4 -> {
                off.add(-1 - r.nextInt(100)).add(end);
                what = "negative begin";
            }
            case 5 -> {
                off.add(new BigInteger("18446744073709551615")).add(Long.MAX_VALUE);
                what = "beyond a signed 64-bit integer";
            }
            case 6 -> {
                off.add(begin).add(Long.MAX_VALUE);
                what = "end Long.MAX_VALUE";
            }
            case 7 -> {
                off = otherOffsets.deepCopy();
                what = "same bytes as " + other;
            }
            case 8 -> {
                JsonNode[] odd = {NODES.textNode(String.valueOf(begin)), NODES.numberNode(begin + 0.5), NODES.nullNode(),
                        NODES.booleanNode(true)};
                off.add(odd[r.nextInt(odd.length)]).add(end);
                what = "begin " + off.get(0) + " (not an integer)";
            }
            default -> {
                if (r.nextBoolean()) {
                    off.add(begin);
                } else {
                    off.add(begin).add(end).add(end);
                }
                what = off.size() + " offsets";
            }
        }
        t.set("data_offsets", off);
        return header(MutationKind.TENSOR_OFFSETS, name, "data_offsets " + off + " (" + what + ")", copy);
    }

    private Mutation shape(Random r) {
        ObjectNode copy = root.deepCopy();
        String name = pick(r);
        ObjectNode t = (ObjectNode) copy.get(name);
        ArrayNode shape = (ArrayNode) t.get("shape");
        ArrayNode s = shape.deepCopy();
        int at = r.nextInt(Math.max(1, s.size()));
        String what;
        switch (r.nextInt(9)) {
            case 0 -> {
                s.set(at, NODES.numberNode(0));
                what = "a zero dimension";
            }
            case 1 -> {
                s.set(at, NODES.numberNode(-1 - r.nextInt(1000)));
                what = "a negative dimension";
            }
            case 2 -> {
                long[] huge = {1L << 31, 1L << 40, Long.MAX_VALUE, 1L << 62};
                s.set(at, NODES.numberNode(huge[r.nextInt(huge.length)]));
                what = "a huge dimension";
            }
            case 3 -> {
                s.set(at, NODES.numberNode(new BigInteger("123456789012345678901234567890")));
                what = "a dimension beyond 64 bits";
            }
            case 4 -> {
                s.add(1);
                what = "an extra dimension of 1 (wrong rank, same bytes)";
            }
            case 5 -> {
                if (s.size() > 0) {
                    s.remove(s.size() - 1);
                }
                what = "a dimension dropped (wrong rank)";
            }
            case 6 -> {
                s.set(at, NODES.numberNode(s.get(at).asLong() + 1));
                what = "one more element per row (bytes do not match)";
            }
            case 7 -> {
                JsonNode[] odd = {NODES.textNode("4"), NODES.numberNode(2.5), NODES.nullNode(), NODES.booleanNode(false)};
                s.set(at, odd[r.nextInt(odd.length)]);
                what = "a dimension that is not an integer";
            }
            default -> {
                if (s.size() >= 2) {
                    JsonNode a = s.get(0);
                    s.set(0, s.get(s.size() - 1));
                    s.set(s.size() - 1, a);
                    what = "dimensions swapped (same bytes)";
                } else {
                    t.set("shape", NODES.textNode(shape.toString()));
                    return header(MutationKind.TENSOR_SHAPE, name, "shape a string", copy);
                }
            }
        }
        t.set("shape", s);
        return header(MutationKind.TENSOR_SHAPE, name, "shape " + s + " was " + shape + " (" + what + ")", copy);
    }

    private Mutation dtype(Random r) {
        ObjectNode copy = root.deepCopy();
        String name = pick(r);
        ObjectNode t = (ObjectNode) copy.get(name);
        JsonNode[] choices = {NODES.textNode("F33"), NODES.textNode(""), NODES.textNode("float32"), NODES.numberNode(4),
                NODES.nullNode(), NODES.textNode("F16"), NODES.textNode("BF16"), NODES.textNode("F64"),
                NODES.textNode("I32"), NODES.textNode("U8"), NODES.textNode("f32"), NODES.textNode("F8_E4M3")};
        int c = r.nextInt(choices.length + 1);
        String what;
        if (c == choices.length) {
            t.remove("dtype");
            what = "dtype removed";
        } else {
            t.set("dtype", choices[c]);
            what = "dtype " + choices[c] + " (was " + root.get(name).get("dtype") + ")";
        }
        return header(MutationKind.TENSOR_DTYPE, name, what, copy);
    }

    private Mutation truncation(Random r) {
        int headerEnd = 8 + header.length;
        int cut = switch (r.nextInt(4)) {
            case 0 -> r.nextInt(headerEnd); // inside the length field or the header
            case 1 -> original.length - 1 - r.nextInt(16); // the last few bytes
            default -> headerEnd + r.nextInt(data.length); // somewhere in the data
        };
        return new Mutation(MutationKind.TRUNCATION, fileName, null, "cut at byte " + cut + " of " + original.length,
                Arrays.copyOf(original, cut));
    }

    private String pick(Random r) {
        return tensors.get(r.nextInt(tensors.size()));
    }

    private Mutation header(MutationKind kind, String tensor, String what, ObjectNode newRoot) {
        try {
            return new Mutation(kind, fileName, tensor, tensor + ": " + what, withHeader(JSON.writeValueAsBytes(newRoot)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] withHeader(byte[] h) {
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }
}
