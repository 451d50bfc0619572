package dvlcap.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes float tensors as a safetensors file (F32, or BF16/F16 rounded to nearest even), single or
 * sharded with a {@code model.safetensors.index.json}. Tensors are written in the order added,
 * from arrays or from {@link Values} asked for a slice at a time; files appear atomically
 * (written to a temporary name, then moved).
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BUFFER = 1 << 20;

    /** A tensor's values, supplied a slice at a time so that a tensor never has to be in memory whole. */
    @FunctionalInterface
    public interface Values {
        /** Writes elements {@code [from, from + n)} (row-major) into {@code dst[0..n)}; called with consecutive ranges from 0. */
        void fill(long from, float[] dst, int n);
    }

    private record Entry(String name, DType dtype, long[] shape, long numel, Values values) {
        long bytes() {
            return numel * dtype.size();
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter() {
        metadata.put("format", "pt"); // what the Hugging Face loaders expect to find
    }

    /** Adds a tensor; the data is not copied, so it must not change before writing. */
    public SafetensorsWriter add(String name, DType dtype, float[] data, long... shape) {
        check(name, dtype, shape);
        if (Shapes.numel(shape) != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.length + " values do not fill shape "
                    + Arrays.toString(shape));
        }
        return put(name, dtype, shape, (from, dst, n) -> System.arraycopy(data, (int) from, dst, 0, n));
    }

    /**
     * Adds a tensor whose values are asked for only while it is written, a slice at a time (a
     * checkpoint larger than memory can be written this way).
     */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, Values values) {
        check(name, dtype, shape);
        return put(name, dtype, shape, values);
    }

    private static void check(String name, DType dtype, long[] shape) {
        if (!dtype.supported()) {
            throw new IllegalArgumentException("tensor '" + name + "': cannot write dtype " + dtype);
        }
        if (name.equals("__metadata__")) {
            throw new IllegalArgumentException("'__metadata__' is reserved");
        }
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dim in " + Arrays.toString(shape));
            }
        }
    }

    private SafetensorsWriter put(String name, DType dtype, long[] shape, Values values) {
        Entry e = new Entry(name, dtype, shape.clone(), Shapes.numel(shape), values);
        if (entries.putIfAbsent(name, e) != null) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        return this;
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Writes every tensor to one file. */
    public void write(Path file) {
        writeFile(file, new ArrayList<>(entries.values()));
    }

    /**
     * Writes the tensors into at most {@code shardCount} files of about equal size named
     * {@code model-0000i-of-0000n.safetensors} in {@code dir}, plus {@code model.safetensors.index.json}.
     *
     * @return the shard files written
     */
    public List<Path> writeSharded(Path dir, int shardCount) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be positive");
        }
        List<List<Entry>> groups = split(new ArrayList<>(entries.values()), shardCount);
        List<Path> files = new ArrayList<>();
        ObjectNode index = JSON.createObjectNode();
        ObjectNode weightMap = JSON.createObjectNode();
        long total = 0;
        for (int i = 0; i < groups.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, groups.size());
            Path f = dir.resolve(name);
            writeFile(f, groups.get(i));
            files.add(f);
            for (Entry e : groups.get(i)) {
                weightMap.put(e.name, name);
                total += e.bytes();
            }
        }
        index.putObject("metadata").put("total_size", total);
        index.set("weight_map", weightMap);
        try {
            writeAtomically(dir.resolve(ShardedWeightSource.INDEX_FILE),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Contiguous groups of about total/n bytes each; empty groups are dropped. */
    private static List<List<Entry>> split(List<Entry> all, int n) {
        long total = all.stream().mapToLong(Entry::bytes).sum();
        List<List<Entry>> groups = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            groups.add(new ArrayList<>());
        }
        long cum = 0;
        for (Entry e : all) {
            long mid = cum + e.bytes() / 2;
            int g = total == 0 ? 0 : (int) Math.min(n - 1, (double) mid * n / total);
            groups.get(g).add(e);
            cum += e.bytes();
        }
        groups.removeIf(List::isEmpty);
        if (groups.isEmpty()) {
            groups.add(new ArrayList<>());
        }
        return groups;
    }

    private void writeFile(Path file, List<Entry> list) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Entry e : list) {
            ObjectNode t = header.putObject(e.name);
            t.put("dtype", e.dtype.name());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + e.bytes());
            offset += e.bytes();
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8; // keeps tensor data 8-byte aligned, as the reference writer does
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            writeAll(ch, head.flip());
            ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
            float[] slice = new float[BUFFER / Float.BYTES];
            for (Entry e : list) {
                for (long from = 0; from < e.numel; from += slice.length) {
                    int n = (int) Math.min(slice.length, e.numel - from);
                    e.values.fill(from, slice, n);
                    for (int i = 0; i < n; i++) {
                        if (buf.remaining() < 4) {
                            writeAll(ch, buf.flip());
                            buf.clear();
                        }
                        switch (e.dtype) {
                            case F32 -> buf.putFloat(slice[i]);
                            case BF16 -> buf.putShort(HalfFloats.floatToBf16(slice[i]));
                            case F16 -> buf.putShort(HalfFloats.floatToF16(slice[i]));
                            default -> throw new IllegalStateException();
                        }
                    }
                }
            }
            writeAll(ch, buf.flip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        move(tmp, file);
    }

    private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        move(tmp, file);
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + from + " to " + to, e);
        }
    }
}
