package dvlcap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dvlcap.image.PreprocessorConfig;
import dvlcap.model.CheckpointLayout;
import dvlcap.model.DType;
import dvlcap.model.DecodingDefaults;
import dvlcap.model.EmbeddedModels;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigWriter;
import dvlcap.model.SafetensorsFile;
import dvlcap.model.TextConfig;
import dvlcap.model.VisionConfig;
import dvlcap.model.WordLevelTokenizerWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dvlcap inspect} as a user runs it: on the embedded models, on refused configs, on a 7B-shaped checkpoint. */
class InspectCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path DVLM = Path.of("..", "models", EmbeddedModels.DEFAULT);
    static final Path AR = Path.of("..", "models", "shapes-ar");

    private record Run(int status, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = EngineCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Parameters and bytes summed over the checkpoint's headers by the engine's own reader (the oracle). */
    private static long[] paramsAndBytes(Path dir) {
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            long params = 0, bytes = 0;
            for (String n : f.names()) {
                params += f.info(n).numel();
                bytes += f.info(n).byteSize();
            }
            return new long[] {params, bytes};
        }
    }

    @Test
    void embeddedDvlmIsDescribedFromItsFilesAndRuns() throws IOException {
        Run r = run("inspect", "--model", DVLM.toString(), "--json");
        assertEquals(0, r.status(), r.out() + r.err());
        JsonNode j = r.json();
        assertEquals("llava-qwen2", j.get("family").asText());
        assertTrue(j.get("supported").asBoolean());
        assertEquals(0, j.get("not_supported").size());
        long[] oracle = paramsAndBytes(DVLM);
        JsonNode p = j.get("parameters");
        assertEquals(oracle[0], p.get("total").asLong());
        assertEquals(p.get("total").asLong(), p.get("language_model").asLong() + p.get("vision_tower").asLong()
                + p.get("projector").asLong());
        // projector: Linear(64 -> 128) and Linear(128 -> 128) with biases
        assertEquals(64 * 128 + 128 + 128 * 128 + 128, p.get("projector").asLong());
        assertEquals(oracle[1], j.get("weights").get("bytes").asLong());
        assertEquals("F32", j.get("weights").get("dtypes").get(0).get("dtype").asText());
        // 4 layers x 2 kv heads x 32 dims, keys and values, float32, 1000 positions
        assertEquals(2L * 4 * 2 * 32 * 4 * 1000, j.get("memory").get("kv_cache_bytes_per_1000_positions").asLong());
        assertEquals(64, j.get("vision").get("tokens_per_image").get("max").asInt());
        assertEquals(64 * 64, j.get("vision").get("pixels").get("min").asInt());
        JsonNode d = j.get("decoding");
        assertEquals("block diffusion", d.get("mode").asText());
        assertEquals(58, d.get("mask_token_id").asInt());
        assertEquals(8, d.get("block_size").asInt());
        assertEquals(List.of(56), JSON.convertValue(d.get("eos_token_ids"), List.class));
        assertEquals("<|im_end|>", d.get("eos_tokens").get(0).asText());
        assertTrue(d.get("prompt").asText().contains("<image>\nDescribe this image in detail."), d.toString());
        assertEquals(11, d.get("prompt_tokens").get("before_image").asInt());
        assertEquals(9, d.get("prompt_tokens").get("after_image").asInt());
    }

    @Test
    void aReleaseLayoutWithoutTheUnusedTowerLayersIsSupported() throws IOException {
        // DiffusionVL's checkpoints lack the tower's last layer (LLaVA deletes what the -2 feature layer does not use)
        Path release = Path.of("src", "test", "resources", "parity", "bd3lm", "model");
        Run r = run("inspect", "--model", release.toString(), "--json");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.json().get("supported").asBoolean(), r.out());
        assertEquals("block-diffusion", r.json().get("decoding").get("mode").asText().replace(' ', '-'), r.out());
    }

    @Test
    void embeddedArModelIsAutoregressiveWithoutMask() throws IOException {
        Run r = run("inspect", "--model", AR.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode d = r.json().get("decoding");
        assertEquals("autoregressive", d.get("mode").asText());
        assertTrue(d.get("mask_token_id").isNull());
        assertEquals(1, d.get("block_size").asInt());
    }

    @Test
    void textReportNamesEverySection() {
        Run r = run("inspect", "--model", DVLM.toString());
        assertEquals(0, r.status(), r.err());
        for (String label : List.of("family", "parameters", "weights", "memory", "language", "vision", "decoding",
                "supported")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(label + " ")), label + " in\n" + r.out());
        }
        assertTrue(r.out().contains("mask id 58 (<|mask|>), block size 8"), r.out());
        assertTrue(r.out().contains("tokens per image 64"), r.out());
        assertTrue(r.out().contains("prompt length 11 tokens + image 64 + 9 tokens"), r.out());
    }

    private static Path copyOf(Path model, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().endsWith(".png")).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    private static void editConfig(Path dir, Map<String, Object> changes) throws IOException {
        ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        changes.forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
        JSON.writeValue(dir.resolve("config.json").toFile(), c);
    }

    @Test
    void refusedConfigIsReportedNamingFileAndKeyWhileTheWeightsAreStillDescribed(@TempDir Path tmp) throws IOException {
        Path dir = copyOf(AR, tmp.resolve("m"));
        editConfig(dir, Map.of("mm_projector_type", "resampler"));
        Run r = run("inspect", "--model", dir.toString(), "--json");
        assertEquals(1, r.status(), r.out() + r.err());
        JsonNode j = r.json();
        assertFalse(j.get("supported").asBoolean());
        JsonNode why = j.get("not_supported").get(0);
        assertEquals(dir.resolve("config.json").toString(), why.get("file").asText());
        assertTrue(why.get("reason").asText().contains("mm_projector_type 'resampler'"), why.toString());
        assertEquals(paramsAndBytes(AR)[0], j.get("parameters").get("total").asLong(), "headers are still read");
        Run text = run("inspect", "--model", dir.toString());
        assertEquals(1, text.status());
        assertTrue(text.out().contains("not supported " + dir.resolve("config.json") + ": mm_projector_type"), text.out());
    }

    @Test
    void unknownFamilyIsNamedByItsModelType(@TempDir Path tmp) throws IOException {
        Path dir = copyOf(AR, tmp.resolve("m"));
        editConfig(dir, Map.of("model_type", "mamba", "architectures", List.of("MambaForCausalLM")));
        ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        c.remove(List.of("mm_projector_type", "mm_hidden_size", "mm_vision_select_layer", "mm_vision_select_feature"));
        JSON.writeValue(dir.resolve("config.json").toFile(), c);
        Run r = run("inspect", "--model", dir.toString(), "--json");
        assertEquals(1, r.status());
        JsonNode why = r.json().get("not_supported").get(0);
        assertEquals("model_type", why.get("key").asText());
        assertTrue(why.get("reason").asText().contains("'mamba'") && why.get("reason").asText().contains("llava-qwen2"),
                why.toString());
    }

    @Test
    void tensorsMissingForTheConfigAreCountedAndNamed(@TempDir Path tmp) throws IOException {
        Path dir = copyOf(AR, tmp.resolve("m"));
        editConfig(dir, Map.of("num_hidden_layers", 6));
        Run r = run("inspect", "--model", dir.toString(), "--json");
        assertEquals(1, r.status());
        String reason = r.json().get("not_supported").get(0).get("reason").asText();
        assertTrue(reason.startsWith("24 tensor(s) the config needs are missing: model.layers.4."), reason);
    }

    @Test
    void unsupportedDtypeIsListedNotRefused(@TempDir Path tmp) throws IOException {
        Path dir = copyOf(AR, tmp.resolve("m"));
        // an FP8 tensor beside the others: described, and named as what the kernels cannot take
        Path st = dir.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(st);
        long hlen = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode h = (ObjectNode) JSON.readTree(new String(all, 8, (int) hlen, StandardCharsets.UTF_8));
        long end = all.length - 8 - hlen;
        h.set("extra.fp8", JSON.valueToTree(Map.of("dtype", "F8_E4M3", "shape", List.of(4, 4),
                "data_offsets", List.of(end, end + 16))));
        byte[] header = JSON.writeValueAsBytes(h);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + (int) end + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(all, 8 + (int) hlen, (int) end).put(new byte[16]);
        Files.write(st, b.array());
        Run r = run("inspect", "--model", dir.toString(), "--json");
        assertEquals(1, r.status(), r.out());
        JsonNode j = r.json();
        assertEquals(paramsAndBytes(AR)[0] + 16, j.get("parameters").get("total").asLong());
        JsonNode why = j.get("not_supported").get(0);
        assertEquals("extra.fp8", why.get("key").asText());
        assertTrue(why.get("reason").asText().contains("F8_E4M3"), why.toString());
        assertEquals(st.toString(), why.get("file").asText());
    }

    /**
     * DiffusionVL-Qwen2.5-7B's shapes (square images, as anyres is refused today) in BF16: a sparse file whose
     * header declares ~15 GB of tensors and whose data is never written. Inspecting it reads headers only.
     */
    @Test
    void sevenBillionParameterCheckpointIsInspectedFromItsHeadersAlone(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("7b");
        TextConfig text = new TextConfig(152064, 3584, 18944, 28, 28, 4, 128, 1e-6f, 1_000_000f, 32768, false);
        ModelConfig config = new ModelConfig("llava-qwen2", text, VisionConfig.so400mPatch14At384(), 3584, -2,
                new DecodingDefaults(151671, List.of(151645), 8, null, "Describe this image in detail.", "<image>"));
        ModelConfigWriter.write(dir, config, DType.BF16);
        PreprocessorConfig.writeSiglip(dir, 384);
        new WordLevelTokenizerWriter(List.of("<unk>", "describe", "this", "image", "in", "detail", "."))
                .specials(WordLevelTokenizerWriter.qwenSpecials(7)).write(dir);
        ObjectNode header = JSON.createObjectNode();
        long offset = 0, params = 0;
        for (Map.Entry<String, long[]> t : CheckpointLayout.shapes(config).entrySet()) {
            long n = 1;
            for (long d : t.getValue()) {
                n *= d;
            }
            header.set(t.getKey(), JSON.valueToTree(Map.of("dtype", "BF16", "shape", t.getValue(),
                    "data_offsets", List.of(offset, offset + 2 * n))));
            offset += 2 * n;
            params += n;
        }
        byte[] h = JSON.writeValueAsBytes(header);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model.safetensors").toFile(), "rw")) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            f.write(len.array());
            f.write(h);
            f.setLength(8 + h.length + offset); // sparse: nothing of the data is on disk
        }
        long t0 = System.nanoTime();
        Run r = run("inspect", "--model", dir.toString(), "--json");
        double seconds = (System.nanoTime() - t0) / 1e9;
        JsonNode j = r.json();
        assertTrue(j.get("not_supported").isEmpty(), j.get("not_supported").toString());
        assertEquals(0, r.status());
        assertEquals(params, j.get("parameters").get("total").asLong());
        assertTrue(params > 8_000_000_000L && params < 8_200_000_000L, "7.6B LM + 0.4B tower: " + params);
        assertEquals(2 * params, j.get("memory").get("weights_stored_bytes").asLong());
        // bf16 matrices stay mapped as stored: only the vectors are widened onto the heap
        long held = j.get("memory").get("weights_held_bytes").asLong();
        assertTrue(held >= 2 * params && held < 2.01 * params, "held " + held + " for " + params + " parameters");
        assertTrue(j.get("memory").get("weights_held").asText().contains("memory-mapped"), j.get("memory").toString());
        // 28 layers x 4 kv heads x 128 dims, keys and values, float32, 1000 positions
        assertEquals(2L * 28 * 512 * 4 * 1000, j.get("memory").get("kv_cache_bytes_per_1000_positions").asLong());
        assertEquals(729, j.get("vision").get("tokens_per_image").get("min").asInt());
        assertEquals("BF16", j.get("weights").get("dtypes").get(0).get("dtype").asText());
        assertTrue(j.get("decoding").get("mask_token").isNull(), "151671 is an embedding row, not a token");
        assertTrue(seconds < 20, "headers only: " + seconds + " s");
    }

    @Test
    void helpIsTruthfulAndMistakesAreUsageErrors() {
        Run help = run("inspect", "--help");
        assertEquals(0, help.status());
        for (String opt : List.of("--model DIR", "--json", "--help", "Exit status")) {
            assertTrue(help.out().contains(opt), opt);
        }
        assertTrue(run("--help").out().contains("inspect"));
        Run bad = run("inspect", "--modle", "x");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--model") && bad.err().contains("--json"), bad.err());
        Run stray = run("inspect", "models/shapes-dvlm");
        assertEquals(2, stray.status());
        Run missing = run("inspect", "--model", "/no/such/model");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("/no/such/model"), missing.err());
    }
}
