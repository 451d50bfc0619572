package dvlcap.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
        }
        return v;
    }

    @Test
    void roundTripsF32ExactlyAndBf16F16ToTheNearestValue() {
        float[] a = random(60, 1);
        Path f = dir.resolve("m.safetensors");
        new SafetensorsWriter().add("f32", DType.F32, a, 3, 4, 5).add("bf16", DType.BF16, a, 60)
                .add("f16", DType.F16, a, 6, 10).add("scalar", DType.F32, new float[] {42f}).write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(List.of("f32", "bf16", "f16", "scalar"), new ArrayList<>(s.names()));
            assertArrayEquals(a, s.floats("f32", 3, 4, 5));
            assertArrayEquals(new float[] {42f}, s.floats("scalar"));
            float[] b = s.floats("bf16", 60);
            float[] h = s.floats("f16", 6, 10);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], Math.abs(a[i]) * 0x1p-8f, "bf16 keeps 8 significant bits");
                assertEquals(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(a[i])), b[i]);
                float tol = Math.max(Math.abs(a[i]) * 0x1p-11f, 0x1p-25f);
                if (Math.abs(a[i]) < 65504) {
                    assertEquals(a[i], h[i], tol, "f16 keeps 11 significant bits");
                }
                assertEquals(HalfFloats.f16ToFloat(HalfFloats.floatToF16(a[i])), h[i]);
            }
            assertEquals(DType.F16, s.info("f16").dtype());
            assertEquals("pt", s.metadata().get("format"));
        }
    }

    /** Values asked for a slice at a time give the same file as the array, and are asked for in order. */
    @Test
    void streamedTensorsAreAskedForInConsecutiveSlicesAndWriteWhatTheArrayWould() throws Exception {
        int n = 700_000; // several of the writer's slices, the last one partial
        float[] v = random(n, 3);
        Path array = dir.resolve("array.safetensors"), streamed = dir.resolve("streamed.safetensors");
        new SafetensorsWriter().add("a", DType.BF16, v, 7, 100_000).add("small", DType.F32, new float[] {1f}, 1)
                .write(array);
        List<long[]> asked = new ArrayList<>();
        SafetensorsWriter.Values values = (from, dst, len) -> {
            asked.add(new long[] {from, len});
            System.arraycopy(v, (int) from, dst, 0, len);
        };
        new SafetensorsWriter().add("a", DType.BF16, new long[] {7, 100_000}, values)
                .add("small", DType.F32, new float[] {1f}, 1).write(streamed);
        assertArrayEquals(Files.readAllBytes(array), Files.readAllBytes(streamed));
        long next = 0;
        for (long[] a : asked) {
            assertEquals(next, a[0], "slices out of order");
            assertTrue(a[1] > 0 && a[1] < n, "slice of " + a[1]);
            next += a[1];
        }
        assertEquals(n, next);
        assertTrue(asked.size() > 2, asked.size() + " slices");
    }

    @Test
    void writesTheLayoutOfTheFormatByteForByte() throws Exception {
        Path f = dir.resolve("one.safetensors");
        new SafetensorsWriter().add("x", DType.BF16, new float[] {1f, -2f}, 2).write(f);
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertEquals(0, n % 8, "header padded so data is 8-byte aligned");
        assertEquals(8 + n + 4, bytes.length);
        JsonNode header = JSON.readTree(new String(bytes, 8, (int) n, "UTF-8"));
        assertEquals("BF16", header.get("x").get("dtype").asText());
        assertEquals("[0,4]", header.get("x").get("data_offsets").toString());
        assertEquals((short) 0x3F80, b.getShort((int) (8 + n))); // 1.0, little-endian
        assertEquals((short) 0xC000, b.getShort((int) (8 + n + 2))); // -2.0
        assertFalse(Files.exists(dir.resolve("one.safetensors.tmp")));
    }

    @Test
    void shardedRoundTripSplitsIntoTwoFilesWithAnIndex() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            w.add("t" + i, i % 2 == 0 ? DType.F32 : DType.BF16, random(10 + i, i), 10 + i);
            names.add("t" + i);
        }
        List<Path> shards = w.writeSharded(dir, 2);
        assertEquals(List.of(dir.resolve("model-00001-of-00002.safetensors"),
                dir.resolve("model-00002-of-00002.safetensors")), shards);
        JsonNode index = JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
        long total = 0;
        for (int i = 0; i < 6; i++) {
            total += (10 + i) * (i % 2 == 0 ? 4 : 2);
        }
        assertEquals(total, index.get("metadata").get("total_size").asLong());
        try (WeightSource ws = WeightSources.open(dir)) {
            ShardedWeightSource s = assertInstanceOf(ShardedWeightSource.class, ws);
            assertEquals(new HashSet<>(names), ws.names());
            Set<Path> used = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                float[] want = random(10 + i, i);
                float[] got = ws.floats("t" + i, 10 + i);
                if (i % 2 == 0) {
                    assertArrayEquals(want, got);
                } else {
                    for (int k = 0; k < want.length; k++) {
                        assertEquals(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(want[k])), got[k]);
                    }
                }
                Path shard = s.shardOf("t" + i).file();
                assertEquals(index.get("weight_map").get("t" + i).asText(), shard.getFileName().toString());
                used.add(shard.getFileName());
            }
            assertEquals(2, used.size(), "both shards hold tensors");
        }
    }

    @Test
    void missingShardIsNamed() throws Exception {
        new SafetensorsWriter().add("a", DType.F32, new float[4], 4).add("b", DType.F32, new float[4], 4)
                .writeSharded(dir, 2);
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> WeightSources.open(dir));
        assertTrue(e.getMessage().contains("model.safetensors.index.json"), e.getMessage());
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors does not exist"), e.getMessage());
    }

    @Test
    void tensorNamedInIndexButAbsentFromItsShardIsNamed() throws Exception {
        new SafetensorsWriter().add("a", DType.F32, new float[4], 4).add("b", DType.F32, new float[4], 4)
                .writeSharded(dir, 2);
        Path indexFile = dir.resolve("model.safetensors.index.json");
        ObjectNode index = (ObjectNode) JSON.readTree(indexFile.toFile());
        ((ObjectNode) index.get("weight_map")).put("ghost", "model-00001-of-00002.safetensors");
        JSON.writeValue(indexFile.toFile(), index);
        ModelFileException e = assertThrows(ModelFileException.class, () -> WeightSources.open(dir));
        assertTrue(e.getMessage().contains("model-00001-of-00002.safetensors"), e.getMessage());
        assertEquals("ghost", e.tensor());
        assertTrue(e.getMessage().contains("'ghost'") && e.getMessage().contains("absent"), e.getMessage());
    }

    @Test
    void shardOutsideTheDirectoryIsRefused() throws Exception {
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"w\": \"../elsewhere.safetensors\"}}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> WeightSources.open(dir));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("not a file name"), e.getMessage());
    }

    @Test
    void directoryWithoutWeightsListsWhatWasLookedFor() {
        ModelFileException e = assertThrows(ModelFileException.class, () -> WeightSources.open(dir));
        assertTrue(e.getMessage().contains("model.safetensors and model.safetensors.index.json"), e.getMessage());
    }

    @Test
    void singleFileIsPreferredOverAnIndex() throws Exception {
        new SafetensorsWriter().add("a", DType.F32, new float[] {1, 2}, 2).write(dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\": {}}");
        try (WeightSource ws = WeightSources.open(dir)) {
            assertInstanceOf(SafetensorsFile.class, ws);
            assertArrayEquals(new float[] {1, 2}, ws.floats("a", 2));
        }
    }

    @Test
    void writerRejectsBadInput() {
        SafetensorsWriter w = new SafetensorsWriter();
        assertThrows(IllegalArgumentException.class, () -> w.add("a", DType.F32, new float[3], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> w.add("a", DType.I64, new float[1], 1));
        w.add("a", DType.F32, new float[1], 1);
        assertThrows(IllegalArgumentException.class, () -> w.add("a", DType.F32, new float[1], 1));
    }
}
