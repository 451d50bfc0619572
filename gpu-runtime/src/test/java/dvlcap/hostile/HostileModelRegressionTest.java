package dvlcap.hostile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dvlcap.cli.EngineCli;
import dvlcap.decode.DecodingSettings;
import dvlcap.engine.CaptionEngine;
import dvlcap.engine.EngineOptions;
import dvlcap.model.ModelDirectory;
import dvlcap.model.ModelFileException;
import dvlcap.model.WeightSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile model files found by hand and by {@link HostileModelFuzzTest}, each a named case: before
 * the fix a zero head count ended in {@code ArithmeticException: / by zero}, a huge block size in an
 * engine thread dead of {@code OutOfMemoryError: Requested array size exceeds VM limit} and a caption
 * that never returned, a huge tensor dimension in inspect's {@code ArithmeticException: long overflow}.
 */
class HostileModelRegressionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EngineOptions DEFAULTS = new EngineOptions(DecodingSettings.defaults(), 1, "cpu");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "num_attention_heads, 0", "num_attention_heads, 2147483647", "hidden_size, 0", "hidden_size, 1000000000",
            "num_key_value_heads, 0", "num_key_value_heads, 3", "head_dim, 33", "vocab_size, 2147483647",
            "intermediate_size, -1", "num_hidden_layers, 0", "max_position_embeddings, 2147483647",
            "block_size, 2147483647", "block_size, 0", "mask_token_id, -7", "eos_token_id, 59",
            "mm_vision_select_layer, 100000", "vision_config.num_attention_heads, 0",
            "vision_config.hidden_size, 1000000000", "vision_config.image_size, 2147483647",
            "vision_config.patch_size, 0", "vision_config.num_hidden_layers, -2147483648"})
    void aConfigValueOutOfRangeIsAModelFileErrorNamingFileAndKey(String key, long value) throws IOException {
        Path dir = HostileModelFuzzTest.copyOfModel(tmp.resolve("model"));
        setConfig(dir, key, value);
        ModelFileException e = assertThrows(ModelFileException.class, () -> CaptionEngine.load(dir, DEFAULTS).close());
        assertEquals(dir.resolve(ModelDirectory.CONFIG), e.file(), e.getMessage());
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        assertTrue(e.getMessage().contains(leaf), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(value)), "says what it found: " + e.getMessage());
    }

    @Test
    void aConfigValueOfTheWrongTypeIsNamedWithWhatIsAllowed() throws IOException {
        Path dir = HostileModelFuzzTest.copyOfModel(tmp.resolve("model"));
        ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve(ModelDirectory.CONFIG).toFile());
        c.put("hidden_size", "128");
        Files.write(dir.resolve(ModelDirectory.CONFIG), JSON.writeValueAsBytes(c));
        ModelFileException e = assertThrows(ModelFileException.class, () -> CaptionEngine.load(dir, DEFAULTS).close());
        assertTrue(e.getMessage().contains("hidden_size must be a whole number from 1 to"), e.getMessage());
    }

    @Test
    void inspectNamesTheTensorWhoseShapeOverflowsInsteadOfThrowingArithmeticException() throws IOException {
        Path dir = HostileModelFuzzTest.copyOfModel(tmp.resolve("model"));
        Path st = dir.resolve(WeightSources.SINGLE_FILE);
        byte[] bytes = Files.readAllBytes(st);
        int len = (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) JSON.readTree(Arrays.copyOfRange(bytes, 8, 8 + len));
        String tensor = "model.layers.0.mlp.up_proj.weight";
        ((ObjectNode) header.get(tensor)).putArray("shape").add(Long.MAX_VALUE).add(128);
        byte[] h = JSON.writeValueAsBytes(header);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + bytes.length - 8 - len).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(bytes, 8 + len, bytes.length - 8 - len);
        Files.write(st, out.array());

        Cli r = cli("inspect", "--model", dir.toString());
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.out().contains(st + ", " + tensor), r.out());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void inspectAndCaptionOfABadConfigPrintTheFileAndKeyWithoutAStackTrace() throws IOException {
        Path dir = HostileModelFuzzTest.copyOfModel(tmp.resolve("model"));
        setConfig(dir, "num_attention_heads", 0);
        Path image = Path.of("..", "examples", "images", "example-000000.png");

        Cli inspect = cli("inspect", "--model", dir.toString());
        assertEquals(1, inspect.status());
        assertTrue(inspect.out().contains(dir.resolve(ModelDirectory.CONFIG) + ": num_attention_heads must be a whole "
                + "number from 1 to"), inspect.out() + inspect.err());

        Cli caption = cli("caption", "--model", dir.toString(), image.toString());
        assertEquals(1, caption.status());
        assertTrue(caption.err().startsWith("dvlcap caption: bad model file: " + dir.resolve(ModelDirectory.CONFIG)
                + ": num_attention_heads"), caption.err());
        assertFalse(caption.err().contains("\tat "), "no stack trace: " + caption.err());
        assertEquals("", caption.out());
    }

    private record Cli(int status, String out, String err) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = EngineCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void setConfig(Path dir, String key, long value) throws IOException {
        Path file = dir.resolve(ModelDirectory.CONFIG);
        ObjectNode c = (ObjectNode) JSON.readTree(file.toFile());
        ObjectNode parent = key.startsWith("vision_config.") ? (ObjectNode) c.get("vision_config") : c;
        parent.put(key.substring(key.indexOf('.') + 1), value);
        Files.write(file, JSON.writeValueAsBytes(c));
    }
}
