package dvlcap.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code .safetensors} file. The header is validated completely when the file opens (the file is
 * untrusted input); tensor data is memory-mapped per tensor only when read, so files and tensors
 * over 2 GiB work and tensors never read cost nothing.
 */
public final class SafetensorsFile implements WeightSource {
    /** Headers larger than this are refused (the reference implementation uses the same bound). */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    /** Bytes per mapped buffer of a stored tensor (a MappedByteBuffer holds at most 2 GiB). */
    private static final long CHUNK = 1L << 30;
    /** Bytes read at a time when converting to float32 (a multiple of every element size). */
    private static final int READ_CHUNK = 4 << 20;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS); // trailing spaces (padding) are fine

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new ModelFileException(file, null, "cannot open: " + e, e);
        }
        try {
            return read(file, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new ModelFileException(file, null, "cannot read: " + e, e);
        }
    }

    private static SafetensorsFile read(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new ModelFileException(file, null, "only " + size + " bytes, too short for a safetensors header");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.getLong(0); // a u64: negative here means >= 2^63
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw new ModelFileException(file, null, "header length " + Long.toUnsignedString(headerLen)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (headerLen > size - 8) {
            throw new ModelFileException(file, null, "header length " + headerLen + " runs past the end of the "
                    + size + "-byte file");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLen);
        readFully(ch, header, 8);
        JsonNode root;
        try {
            root = JSON.readTree(header.array());
        } catch (JsonProcessingException e) {
            throw new ModelFileException(file, null, "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(file, null, "header is not a JSON object");
        }
        long dataStart = 8 + headerLen;
        long dataSize = size - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataSize));
        }
        checkNoOverlap(file, tensors.values());
        return new SafetensorsFile(file, ch, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo entry(Path file, String name, JsonNode n, long dataSize) {
        if (!n.isObject()) {
            throw new ModelFileException(file, name, "header entry is not an object");
        }
        JsonNode dt = n.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new ModelFileException(file, name, "missing dtype");
        }
        DType dtype = DType.byName(dt.asText());
        if (dtype == null) {
            throw new ModelFileException(file, name, "unknown dtype '" + dt.asText() + "'");
        }
        if (!dtype.supported()) {
            throw new ModelFileException(file, name, "dtype " + dtype + " is not supported (only F32, F16 and BF16 are)");
        }
        JsonNode sh = n.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new ModelFileException(file, name, "missing shape");
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new ModelFileException(file, name, "shape " + sh + " has an entry that is not a non-negative integer");
            }
            shape[i] = d.asLong();
        }
        JsonNode off = n.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !isOffset(off.get(0)) || !isOffset(off.get(1))) {
            throw new ModelFileException(file, name, "data_offsets " + off + " is not a pair of non-negative integers");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin > end || end > dataSize) {
            throw new ModelFileException(file, name, "data_offsets [" + begin + ", " + end
                    + "] lie outside the data section of " + dataSize + " bytes");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Shapes.numel(shape), dtype.size());
        } catch (ArithmeticException e) {
            throw new ModelFileException(file, name, "shape " + sh + " overflows");
        }
        if (end - begin != bytes) {
            throw new ModelFileException(file, name, "data_offsets span " + (end - begin) + " bytes but " + dtype
                    + sh + " needs " + bytes);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static boolean isOffset(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0;
    }

    private static void checkNoOverlap(Path file, Iterable<TensorInfo> all) {
        List<TensorInfo> sorted = new ArrayList<>();
        all.forEach(t -> {
            if (t.byteSize() > 0) {
                sorted.add(t);
            }
        });
        sorted.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (cur.begin() < prev.end()) {
                throw new ModelFileException(file, cur.name(), "data [" + cur.begin() + ", " + cur.end()
                        + ") overlaps tensor '" + prev.name() + "' [" + prev.begin() + ", " + prev.end() + ")");
            }
        }
    }

    public Path file() {
        return file;
    }

    /** The header's {@code __metadata__} entries. */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    /** The validated header entry; throws {@link ModelFileException} when the tensor is missing. */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFileException(file, name, "no such tensor in this file");
        }
        return t;
    }

    @Override
    public long[] shape(String name) {
        return info(name).shape();
    }

    /**
     * The tensor's raw little-endian bytes, memory-mapped read-only (for backends that upload
     * 16-bit weights as they are). Tensors over 2 GiB cannot be one buffer and are refused.
     */
    public ByteBuffer bytes(String name) {
        TensorInfo t = info(name);
        if (t.byteSize() > Integer.MAX_VALUE) {
            throw new ModelFileException(file, name, t.byteSize() + " bytes do not fit one buffer");
        }
        return map(t, t.begin(), t.byteSize());
    }

    /**
     * The tensor in its stored dtype: bf16 and f16 memory-mapped as they are (read-only buffers of
     * whole rows, at most 1 GiB each; the mapping outlives {@link #close()} and is released when
     * the buffers are collected); float32 read into a heap array, which is what a CPU backend
     * computes on (so no mapping of it lingers in the process's resident memory).
     */
    @Override
    public StoredTensor stored(String name, long... expectedShape) {
        if (info(name).dtype() == DType.F32) {
            return StoredTensor.ofFloats(floats(name, expectedShape), expectedShape);
        }
        return storedInChunks(name, CHUNK, expectedShape);
    }

    /** The tensor memory-mapped as stored, whatever its dtype, in buffers of at most {@code maxChunkBytes}. */
    public StoredTensor storedInChunks(String name, long maxChunkBytes, long... expectedShape) {
        TensorInfo t = info(name);
        Shapes.check(file, name, t.shape(), expectedShape);
        long[] shape = t.shape();
        long rows = shape.length == 0 ? 1 : shape[0];
        long rowBytes = rows == 0 ? 0 : t.byteSize() / rows;
        if (rowBytes > maxChunkBytes || rowBytes > Integer.MAX_VALUE) {
            throw new ModelFileException(file, name, "one row of " + rowBytes + " bytes does not fit a buffer of "
                    + Math.min(maxChunkBytes, Integer.MAX_VALUE) + " bytes");
        }
        long rowsPerChunk = rowBytes == 0 ? Math.max(1, rows) : Math.max(1, maxChunkBytes / rowBytes);
        int count = rows == 0 ? 0 : Math.toIntExact((rows + rowsPerChunk - 1) / rowsPerChunk);
        ByteBuffer[] chunks = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            long first = i * rowsPerChunk;
            long n = Math.min(rowsPerChunk, rows - first);
            chunks[i] = map(t, t.begin() + first * rowBytes, n * rowBytes);
        }
        return StoredTensor.ofBuffers(t.dtype(), shape, chunks, rowsPerChunk);
    }

    /**
     * The tensor converted to float32. Read through the channel a few MiB at a time rather than
     * mapped, so that converting a big checkpoint leaves no mapping of it in resident memory.
     */
    @Override
    public float[] floats(String name, long... expectedShape) {
        TensorInfo t = info(name);
        Shapes.check(file, name, t.shape(), expectedShape);
        float[] out = new float[Shapes.arrayLength(file, name, t.numel())];
        int es = t.dtype().size();
        ByteBuffer b = ByteBuffer.allocateDirect((int) Math.min(READ_CHUNK, Math.max(es, t.byteSize())))
                .order(ByteOrder.LITTLE_ENDIAN);
        int o = 0;
        for (long pos = t.begin(); pos < t.end(); pos += b.capacity()) {
            b.clear().limit((int) Math.min(b.capacity(), t.end() - pos));
            try {
                readFully(channel, b, dataStart + pos);
            } catch (IOException e) {
                throw new ModelFileException(file, name, "cannot read data: " + e, e);
            }
            o = convert(t.dtype(), b.flip(), out, o);
        }
        return out;
    }

    private static int convert(DType dtype, ByteBuffer b, float[] out, int o) {
        switch (dtype) {
            case F32 -> {
                int n = b.remaining() / 4;
                b.asFloatBuffer().get(out, o, n);
                return o + n;
            }
            case BF16 -> {
                while (b.hasRemaining()) {
                    out[o++] = HalfFloats.bf16ToFloat(b.getShort());
                }
                return o;
            }
            case F16 -> {
                while (b.hasRemaining()) {
                    out[o++] = HalfFloats.f16ToFloat(b.getShort());
                }
                return o;
            }
            default -> throw new IllegalStateException(dtype + " passed validation");
        }
    }

    private ByteBuffer map(TensorInfo t, long pos, long len) {
        try {
            MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + pos, len);
            return m.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelFileException(file, t.name(), "cannot map data: " + e, e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing with a better message
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new ModelFileException(file, null, "cannot close: " + e, e);
        }
    }
}
