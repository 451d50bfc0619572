package dvlcap.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static dvlcap.model.RawSafetensors.entry;
import static dvlcap.model.RawSafetensors.f32;
import static dvlcap.model.RawSafetensors.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    /** Asserts the error names the file, the tensor (null: no tensor) and says {@code what}. */
    private static void assertNames(ModelFileException e, Path file, String tensor, String what) {
        String m = e.getMessage();
        assertTrue(m.contains(file.getFileName().toString()), "file not named: " + m);
        assertEquals(file, e.file());
        if (tensor == null) {
            assertNull(e.tensor(), m);
        } else {
            assertEquals(tensor, e.tensor(), m);
            assertTrue(m.contains("'" + tensor + "'"), "tensor not named: " + m);
        }
        assertTrue(m.contains(what), "expected '" + what + "' in: " + m);
    }

    private ModelFileException openFails(Path file) {
        return assertThrows(ModelFileException.class, () -> SafetensorsFile.open(file).close());
    }

    @Test
    void readsF32Bf16AndF16TensorsAndIgnoresMetadata() throws Exception {
        String h = "{\"__metadata__\": {\"format\": \"pt\"}, " + entry("a", "F32", "[2, 2]", 0, 16) + ", "
                + entry("b", "BF16", "[3]", 16, 22) + ", " + entry("c", "F16", "[3]", 22, 28) + "}";
        byte[] data = ByteBuffer.allocate(28).put(f32(1f, -2.5f, 0f, 1e-3f))
                .put(u16(0x3F80, 0xC000, 0x4049)).put(u16(0x3C00, 0x3555, 0xFBFF)).array();
        Path f = RawSafetensors.write(dir.resolve("ok.safetensors"), h, data);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(Set.of("a", "b", "c"), s.names());
            assertEquals("pt", s.metadata().get("format"));
            assertArrayEquals(new float[] {1f, -2.5f, 0f, 1e-3f}, s.floats("a", 2, 2));
            assertArrayEquals(new float[] {1f, -2f, 3.140625f}, s.floats("b", 3));
            assertArrayEquals(new float[] {1f, 0.333251953125f, -65504f}, s.floats("c", 3));
            assertEquals(DType.BF16, s.info("b").dtype());
            assertEquals((short) 0x3F80, s.bytes("b").getShort(0));
        }
    }

    @Test
    void storedTensorsAreMappedAsStoredInBuffersOfWholeRows() throws Exception {
        // b: BF16 [5, 3] (30 bytes), c: F16 [2, 2], a: F32 [3]
        short[] bf = new short[15];
        for (int i = 0; i < bf.length; i++) {
            bf[i] = HalfFloats.floatToBf16(i - 7.5f);
        }
        String h = "{" + entry("b", "BF16", "[5, 3]", 0, 30) + ", " + entry("c", "F16", "[2, 2]", 30, 38) + ", "
                + entry("a", "F32", "[3]", 38, 50) + "}";
        ByteBuffer data = ByteBuffer.allocate(50).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : bf) {
            data.putShort(s);
        }
        data.put(u16(0x3C00, 0x0001, 0x8400, 0x7C00)).put(f32(1f, -2f, 3f));
        Path f = RawSafetensors.write(dir.resolve("st.safetensors"), h, data.array());
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            StoredTensor b = s.stored("b", 5, 3);
            assertEquals(DType.BF16, b.dtype());
            assertEquals(1, b.chunkCount());
            assertTrue(b.chunk(0).isDirect() && b.chunk(0).isReadOnly(), "not a read-only mapping");
            assertArrayEquals(s.floats("b", 5, 3), b.toFloats());

            StoredTensor split = s.storedInChunks("b", 13, 5, 3); // 6-byte rows: 2 rows per 13 bytes
            assertEquals(3, split.chunkCount());
            assertEquals(2, split.rowsPerChunk());
            assertEquals(12, split.chunk(1).limit());
            assertEquals(6, split.chunk(2).limit());
            assertEquals(bf[6], split.chunk(1).getShort(0)); // row 2 starts buffer 1
            float[] part = new float[7];
            split.read(4, part, 0, 7); // across all three buffers
            assertArrayEquals(java.util.Arrays.copyOfRange(s.floats("b", 5, 3), 4, 11), part);

            StoredTensor c = s.stored("c", 2, 2);
            assertEquals(DType.F16, c.dtype());
            assertArrayEquals(new float[] {1f, 0x1p-24f, -0x1p-14f, Float.POSITIVE_INFINITY}, c.toFloats());
            StoredTensor a = s.stored("a", 3);
            assertEquals(DType.F32, a.dtype());
            assertTrue(a.onHeap(), "float32 is read onto the heap, not left mapped");
            assertArrayEquals(new float[] {1f, -2f, 3f}, a.toFloats());

            assertNames(assertThrows(ModelFileException.class, () -> s.stored("b", 3, 5)), f, "b", "shape [5, 3]");
            assertNames(assertThrows(ModelFileException.class, () -> s.stored("nope", 1)), f, "nope", "no such tensor");
            assertNames(assertThrows(ModelFileException.class, () -> s.storedInChunks("b", 4, 5, 3)), f, "b",
                    "does not fit");
        }
    }

    @Test
    void headerLengthOverTheLimitIsRefused() throws Exception {
        Path f = RawSafetensors.write(dir.resolve("huge.safetensors"), 200L << 20, "{}".getBytes(), new byte[0]);
        assertNames(openFails(f), f, null, "exceeds the limit");
        Path g = RawSafetensors.write(dir.resolve("neg.safetensors"), -1L, "{}".getBytes(), new byte[0]);
        assertNames(openFails(g), g, null, "18446744073709551615"); // u64 max, not -1
    }

    @Test
    void headerLengthBeyondTheFileIsRefused() throws Exception {
        Path f = RawSafetensors.write(dir.resolve("short.safetensors"), 1000, "{}".getBytes(), new byte[10]);
        assertNames(openFails(f), f, null, "past the end");
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertNames(openFails(tiny), tiny, null, "too short");
    }

    @Test
    void malformedJsonIsRefused() throws Exception {
        Path f = RawSafetensors.write(dir.resolve("bad.safetensors"), "{\"a\": {\"dtype\": ", new byte[0]);
        assertNames(openFails(f), f, null, "not valid JSON");
        Path g = RawSafetensors.write(dir.resolve("arr.safetensors"), "[1, 2]", new byte[0]);
        assertNames(openFails(g), g, null, "not a JSON object");
        Path d = RawSafetensors.write(dir.resolve("dup.safetensors"), "{" + entry("w", "F32", "[1]", 0, 4) + ", "
                + entry("w", "F32", "[1]", 4, 8) + "}", new byte[8]);
        assertNames(openFails(d), d, null, "Duplicate field 'w'");
        Path t = RawSafetensors.write(dir.resolve("trail.safetensors"), "{} {}", new byte[0]);
        assertNames(openFails(t), t, null, "not valid JSON");
        Path padded = RawSafetensors.write(dir.resolve("pad.safetensors"), "{}      ", new byte[0]);
        SafetensorsFile.open(padded).close();
    }

    @Test
    void offsetsOutsideTheFileAreRefused() throws Exception {
        Path f = RawSafetensors.write(dir.resolve("off.safetensors"), "{" + entry("w", "F32", "[250]", 0, 1000)
                + "}", new byte[16]);
        assertNames(openFails(f), f, "w", "outside the data section");
        Path g = RawSafetensors.write(dir.resolve("rev.safetensors"), "{" + entry("w", "F32", "[0]", 8, 4) + "}",
                new byte[16]);
        assertNames(openFails(g), g, "w", "outside the data section");
        Path n = RawSafetensors.write(dir.resolve("negoff.safetensors"), "{" + entry("w", "F32", "[1]", -4, 0)
                + "}", new byte[16]);
        assertNames(openFails(n), n, "w", "data_offsets");
    }

    @Test
    void overlappingTensorsAreRefused() throws Exception {
        Path f = RawSafetensors.write(dir.resolve("overlap.safetensors"), "{" + entry("a", "F32", "[4]", 0, 16)
                + ", " + entry("b", "F32", "[4]", 8, 24) + "}", new byte[24]);
        ModelFileException e = openFails(f);
        assertNames(e, f, "b", "overlaps tensor 'a'");
    }

    @Test
    void byteSizeNotMatchingDtypeTimesShapeIsRefused() throws Exception {
        Path f = RawSafetensors.write(dir.resolve("size.safetensors"), "{" + entry("w", "BF16", "[3, 2]", 0, 16)
                + "}", new byte[16]);
        assertNames(openFails(f), f, "w", "needs 12");
    }

    @Test
    void negativeOrNonIntegerDimsAreRefused() throws Exception {
        Path f = RawSafetensors.write(dir.resolve("neg.safetensors"), "{" + entry("w", "F32", "[-1, 4]", 0, 16)
                + "}", new byte[16]);
        assertNames(openFails(f), f, "w", "non-negative integer");
        Path g = RawSafetensors.write(dir.resolve("frac.safetensors"), "{" + entry("w", "F32", "[1.5]", 0, 4)
                + "}", new byte[16]);
        assertNames(openFails(g), g, "w", "non-negative integer");
    }

    @Test
    void unsupportedDtypeIsNamed() throws Exception {
        for (String dt : new String[] {"I64", "F8_E4M3", "F64", "BOOL"}) {
            Path f = RawSafetensors.write(dir.resolve(dt + ".safetensors"), "{" + entry("ids", dt, "[1]", 0,
                    DType.byName(dt).size()) + "}", new byte[8]);
            assertNames(openFails(f), f, "ids", "dtype " + dt + " is not supported");
        }
        Path q = RawSafetensors.write(dir.resolve("q.safetensors"), "{" + entry("w", "Q4_K", "[1]", 0, 1) + "}",
                new byte[8]);
        assertNames(openFails(q), q, "w", "unknown dtype 'Q4_K'");
    }

    @Test
    void shapeDisagreeingWithExpectationIsNamed() throws Exception {
        Path f = RawSafetensors.write(dir.resolve("shape.safetensors"), "{" + entry("w", "F32", "[4]", 0, 16)
                + "}", new byte[16]);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            ModelFileException e = assertThrows(ModelFileException.class, () -> s.floats("w", 2, 2));
            assertNames(e, f, "w", "shape [4] but the model expects [2, 2]");
        }
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        Path f = RawSafetensors.write(dir.resolve("one.safetensors"), "{" + entry("w", "F32", "[1]", 0, 4) + "}",
                new byte[4]);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertNames(assertThrows(ModelFileException.class, () -> s.floats("lm_head.weight", 1)), f,
                    "lm_head.weight", "no such tensor");
            assertNames(assertThrows(ModelFileException.class, () -> s.shape("x")), f, "x", "no such tensor");
        }
    }

    @Test
    void emptyTensorsAndAnEmptyHeaderAreValid() throws Exception {
        Path f = RawSafetensors.write(dir.resolve("empty.safetensors"), "{" + entry("e", "F32", "[0, 3]", 0, 0)
                + ", " + entry("w", "F32", "[1]", 0, 4) + "}", f32(7f));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(0, s.floats("e", 0, 3).length);
            assertArrayEquals(new float[] {7f}, s.floats("w", 1));
        }
        Path g = RawSafetensors.write(dir.resolve("none.safetensors"), "{}", new byte[0]);
        try (SafetensorsFile s = SafetensorsFile.open(g)) {
            assertTrue(s.names().isEmpty());
        }
    }

    /**
     * A 4 GiB tensor followed by a small one, in a sparse file: nothing is read or allocated for the big
     * tensor, the small one past the 2 GiB mark reads back exactly, and reading the big one as a float[]
     * is a clear error rather than an OutOfMemoryError.
     */
    @Test
    void fileOver2GiBReadsTensorsPastTheFirst2GiB() throws Exception {
        long bigNumel = 1L << 31;
        long bigBytes = bigNumel * 2; // BF16
        String header = "{" + entry("big", "BF16", "[65536, 32768]", 0, bigBytes) + ", "
                + entry("small", "F32", "[3]", bigBytes, bigBytes + 12) + "}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve("large.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            raf.write(len.array());
            raf.write(h);
            raf.setLength(8 + h.length + bigBytes + 12);
            raf.seek(8 + h.length + bigBytes);
            raf.write(f32(1.5f, -3f, 1e30f));
        }
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertArrayEquals(new float[] {1.5f, -3f, 1e30f}, s.floats("small", 3));
            assertNames(assertThrows(ModelFileException.class, () -> s.floats("big", 65536, 32768)), f, "big",
                    "more than a Java float[] holds");
            assertNames(assertThrows(ModelFileException.class, () -> s.bytes("big")), f, "big", "one buffer");
        }
    }
}
