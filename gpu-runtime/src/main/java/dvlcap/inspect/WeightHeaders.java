package dvlcap.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dvlcap.model.DType;
import dvlcap.model.ModelFileException;
import dvlcap.model.SafetensorsFile;
import dvlcap.model.ShardedWeightSource;
import dvlcap.model.WeightSources;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tensor entries of a model directory's safetensors headers, read without touching tensor data. Unlike
 * {@link SafetensorsFile} it keeps tensors of dtypes the engine cannot run (an FP8 checkpoint is described,
 * not refused), so that inspection can say what is not supported; a header it cannot read at all is an error
 * naming the file.
 */
public record WeightHeaders(List<Path> files, List<Entry> tensors) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor: its dtype as the header spells it, shape, and bytes in the file. */
    public record Entry(String name, String dtype, long[] shape, long bytes, Path file) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long numel() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    public WeightHeaders {
        files = List.copyOf(files);
        tensors = List.copyOf(tensors);
    }

    /** The headers of {@code model.safetensors}, or of every shard a {@code model.safetensors.index.json} names. */
    public static WeightHeaders read(Path modelDir) {
        Path single = modelDir.resolve(WeightSources.SINGLE_FILE);
        Set<Path> files = new LinkedHashSet<>();
        if (Files.isRegularFile(single)) {
            files.add(single);
        } else {
            Path index = modelDir.resolve(ShardedWeightSource.INDEX_FILE);
            if (!Files.isRegularFile(index)) {
                throw new ModelFileException(modelDir, null, "no weights: looked for " + WeightSources.SINGLE_FILE
                        + " and " + ShardedWeightSource.INDEX_FILE);
            }
            JsonNode map = readJson(index).get("weight_map");
            if (map == null || !map.isObject()) {
                throw new ModelFileException(index, null, "no weight_map object");
            }
            for (JsonNode shard : (Iterable<JsonNode>) map::elements) {
                Path p = modelDir.resolve(shard.asText()).normalize();
                if (!modelDir.normalize().equals(p.getParent()) || !Files.isRegularFile(p)) {
                    throw new ModelFileException(index, null, "shard '" + shard.asText() + "' is not a file of "
                            + modelDir);
                }
                files.add(p);
            }
        }
        List<Entry> tensors = new ArrayList<>();
        for (Path f : files) {
            tensors.addAll(header(f));
        }
        return new WeightHeaders(new ArrayList<>(files), tensors);
    }

    private static List<Entry> header(Path file) {
        JsonNode root;
        long dataBytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.getLong(0);
            if (n < 0 || n > SafetensorsFile.MAX_HEADER_BYTES || n > ch.size() - 8) {
                throw new ModelFileException(file, null, "header length " + Long.toUnsignedString(n)
                        + " is not possible for a " + ch.size() + "-byte file");
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(ch, header, 8);
            root = JSON.readTree(header.array());
            dataBytes = ch.size() - 8 - n;
        } catch (IOException e) {
            throw new ModelFileException(file, null, "cannot read the safetensors header: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(file, null, "the safetensors header is not a JSON object");
        }
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) root::fields) {
            if (!e.getKey().equals("__metadata__")) {
                out.add(entry(file, e.getKey(), e.getValue(), dataBytes));
            }
        }
        return out;
    }

    /**
     * One header entry, checked as far as describing it needs: integral shape, offsets inside the data
     * section, and (for a dtype the format knows) as many bytes as the shape holds, so that counts and
     * sums over entries cannot overflow.
     */
    private static Entry entry(Path file, String name, JsonNode t, long dataBytes) {
        JsonNode shape = t.path("shape");
        JsonNode off = t.path("data_offsets");
        if (!t.path("dtype").isTextual() || !shape.isArray() || !off.isArray() || off.size() != 2) {
            throw new ModelFileException(file, name, "header entry lacks dtype, shape or data_offsets");
        }
        long[] dims = new long[shape.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new ModelFileException(file, name, "shape " + shape + " is not non-negative integers");
            }
            dims[i] = d.asLong();
            try {
                numel = Math.multiplyExact(numel, dims[i]);
            } catch (ArithmeticException overflow) {
                throw new ModelFileException(file, name, "shape " + shape + " overflows a 64-bit element count");
            }
        }
        for (JsonNode o : off) {
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.asLong() < 0) {
                throw new ModelFileException(file, name, "data_offsets " + off + " is not a pair of non-negative integers");
            }
        }
        long begin = off.get(0).asLong(), end = off.get(1).asLong();
        if (begin > end || end > dataBytes) {
            throw new ModelFileException(file, name, "data_offsets " + off + " lie outside the data section of "
                    + dataBytes + " bytes");
        }
        DType dtype = DType.byName(t.get("dtype").asText());
        if (dtype != null && (numel > Long.MAX_VALUE / dtype.size() || numel * dtype.size() != end - begin)) {
            throw new ModelFileException(file, name, "data_offsets span " + (end - begin) + " bytes but " + dtype
                    + shape + " needs " + (numel > Long.MAX_VALUE / dtype.size() ? "more than 2^63"
                    : String.valueOf(numel * dtype.size())));
        }
        return new Entry(name, t.get("dtype").asText(), dims, end - begin, file);
    }

    private static JsonNode readJson(Path file) {
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new ModelFileException(file, null, "not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ModelFileException(file, null, "cannot read JSON: " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf, pos + buf.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
