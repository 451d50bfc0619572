package dvlcap.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dvlcap.image.SmartResize;
import dvlcap.model.DType;
import dvlcap.model.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What inspect says of qwen2.5-vl directories' vision side and parameters (the qwen_pixels fixture directories). */
class QwenVlInspectorTest {
    static Path fixture(String name) throws Exception {
        return Path.of(QwenVlInspectorTest.class.getResource("/parity/qwen_pixels/" + name + "/preprocessor_config.json")
                .toURI()).getParent();
    }

    /** Tokens per image as the preprocessor decides them for one image size: grid h x w over merge 2 x 2. */
    static int tokens(int height, int width, long minPixels, long maxPixels) {
        SmartResize.Size s = SmartResize.of(height, width, 28, minPixels, maxPixels);
        return s.height() / 28 * (s.width() / 28);
    }

    @Test
    void diffusionVlTokensPerImageFollowItsTowersPixelLimits() throws Exception {
        Path dir = fixture("diffusionvl_pixels"); // config.json sets 200704..313600 pixels
        VisionSummary v = new QwenVlInspector().vision(null, dir);
        assertEquals(200704, v.minPixels());
        assertEquals(313600, v.maxPixels());
        assertEquals(256, v.minTokens());
        assertEquals(400, v.maxTokens());
        // the bounds hold for real sizes, and are reached
        for (int[] hw : new int[][] {{1, 1}, {28, 28}, {448, 448}, {560, 560}, {4000, 3000}, {100, 1900}, {37, 1000}}) {
            int t = tokens(hw[0], hw[1], v.minPixels(), v.maxPixels());
            assertTrue(t >= v.minTokens() && t <= v.maxTokens(), hw[0] + "x" + hw[1] + ": " + t);
        }
        assertEquals(256, tokens(448, 448, v.minPixels(), v.maxPixels()));
        assertEquals(400, tokens(560, 560, v.minPixels(), v.maxPixels()));
        assertTrue(v.tower().contains("Qwen/Qwen2.5-VL-7B-Instruct"), v.tower());
    }

    @Test
    void diffusionVlWithoutLimitsTakes384To512SquaredAndQwenInstructItsProcessorsRange() throws Exception {
        VisionSummary d = new QwenVlInspector().vision(null, fixture("diffusionvl"));
        assertEquals(384 * 384, d.minPixels());
        assertEquals(512 * 512, d.maxPixels());
        assertEquals(189, d.minTokens()); // ceil(147456 / 784)
        assertEquals(334, d.maxTokens()); // floor(262144 / 784)
        VisionSummary q = new QwenVlInspector().vision(null, fixture("qwen25vl"));
        assertEquals(4, q.minTokens());
        assertEquals(16384, q.maxTokens());
    }

    @Test
    void inspectOfAQwenDirectoryCountsTowerAndMergerApartFromTheLm(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(fixture("diffusionvl_pixels").resolve("config.json").toFile());
        json.writeValue(dir.resolve("config.json").toFile(), c);
        Files.copy(fixture("diffusionvl_pixels").resolve("preprocessor_config.json"), dir.resolve("preprocessor_config.json"));
        SafetensorsWriter w = new SafetensorsWriter();
        w.add("model.language_model.embed_tokens.weight", DType.BF16, new float[40], new long[] {10, 4});
        w.add("model.visual.blocks.0.attn.qkv.weight", DType.BF16, new float[36], new long[] {12, 3});
        w.add("model.visual.merger.mlp.0.weight", DType.BF16, new float[8], new long[] {2, 4});
        w.add("lm_head.weight", DType.BF16, new float[40], new long[] {10, 4});
        w.write(dir.resolve("model.safetensors"));
        Inspection r = ModelInspector.inspect(dir);
        assertEquals("qwen2.5-vl", r.family());
        assertEquals(new ParameterCount(124, 80, 36, 8), r.parameters());
        assertEquals(List.of("BF16"), r.dtypes().stream().map(DtypeUse::dtype).toList());
        assertEquals(248, r.dtypes().get(0).bytes());
        assertEquals(256, r.vision().minTokens(), "the vision side is described whatever the config reader says");
        assertTrue(!r.supported(), "no tokenizer here at least");
    }
}
