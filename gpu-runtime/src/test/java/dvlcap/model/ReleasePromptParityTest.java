package dvlcap.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The caption prompt the engine builds (chat template through Jinjava, text split at the image, tokenized
 * by the Qwen2-style tokenizer) against what each release's own code builds (parity/fx_tokenizer.py):
 * Hugging Face's {@code apply_chat_template} + Qwen2.5-VL processor for Qwen2.5-VL-Instruct and Fast-dVLM,
 * and DiffusionVL's conversation template {@code qwen_2_5} + {@code tokenizer_image_token} for both
 * DiffusionVL releases. The engine never puts an image token into the id sequence: it splices the image
 * between {@code before} and {@code after}. The references mark the image differently (the processor
 * repeats {@code <|image_pad|>} once per image token, DiffusionVL puts one IMAGE_TOKEN_INDEX -200), so the
 * comparison is of {@code before ++ marker ++ after} with the reference's marker.
 */
class ReleasePromptParityTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Path dir;
    static JsonNode fixtures;
    static TextTokenizer tok;

    @BeforeAll
    static void load() throws Exception {
        dir = QwenTokenizerParityTest.fixtureDir();
        fixtures = JSON.readTree(dir.resolve("fixtures.json").toFile());
        tok = TextTokenizer.load(dir.resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    static List<JsonNode> prompts(String namePrefix) {
        List<JsonNode> out = new ArrayList<>();
        fixtures.get("prompts").forEach(p -> {
            if (p.get("name").asText().startsWith(namePrefix)) {
                out.add(p);
            }
        });
        assertTrue(!out.isEmpty(), namePrefix);
        return out;
    }

    static JsonNode named(String name) {
        for (JsonNode p : fixtures.get("prompts")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no prompt fixture " + name);
    }

    /** The template of a release's tokenizer_config.json: qwen2_5_vl or qwen2_5. */
    static ChatTemplate template(String name) {
        return ChatTemplate.load(dir.resolve(name));
    }

    /** Hugging Face's Qwen2.5-VL chat (Qwen2.5-VL-Instruct, Fast-dVLM): the template's system, the vision markers. */
    static final String QWEN_MARKUP = "<|vision_start|><|image_pad|><|vision_end|>";

    static CaptionPrompt prompt(JsonNode ref, String system, String placeholder, String markup) {
        DecodingDefaults d = new DecodingDefaults(-1, List.of(tok.tokenId("<|im_end|>").orElseThrow()), 1, system,
                ref.get("caption_prompt").asText(), placeholder, markup);
        return new CaptionPrompt(tok, template(ref.get("template").asText()), d);
    }

    /** before ++ marker x count ++ after: the engine's sequence with the image marked as the reference marks it. */
    static int[] marked(PromptTokens t, int marker, int count) {
        int[] b = t.before(), a = t.after();
        int[] out = new int[b.length + count + a.length];
        System.arraycopy(b, 0, out, 0, b.length);
        Arrays.fill(out, b.length, b.length + count, marker);
        System.arraycopy(a, 0, out, b.length + count, a.length);
        return out;
    }

    @Test
    void qwen25VlProcessorPromptIsRenderedAndSplitAtTheImagePad() {
        int start = tok.tokenId("<|vision_start|>").orElseThrow(), end = tok.tokenId("<|vision_end|>").orElseThrow();
        for (JsonNode ref : prompts("qwen2_5_vl_processor_")) {
            // the reference passes [{"type": "image"}, {"type": "text"}] and the template writes the markers;
            // the engine writes the markers into a string turn: the same text, the same ids
            CaptionPrompt p = prompt(ref, null, "<|image_pad|>", QWEN_MARKUP);
            assertEquals(ref.get("rendered").asText(), p.render(), ref.get("name").asText());
            PromptTokens t = p.tokens();
            int pad = ref.get("image_token_id").asInt();
            int n = ref.get("image_tokens").asInt();
            assertArrayEquals(QwenTokenizerParityTest.ints(ref.get("ids")), marked(t, pad, n), ref.get("name").asText());
            // the image sits between the vision markers, which stay ordinary tokens of the prompt
            assertEquals(start, t.before()[t.before().length - 1]);
            assertEquals(end, t.after()[0]);
            JsonNode grid = ref.get("image_grid_thw");
            assertEquals(grid.get(0).asInt() * grid.get(1).asInt() * grid.get(2).asInt() / 4, n, "merged 2x2 patches");
        }
    }

    @Test
    void diffusionVlPromptEqualsItsConversationTemplateWithBothTokenizerConfigs() {
        for (JsonNode ref : prompts("diffusionvl_")) {
            assertEquals(ModelConfigReader.DIFFUSIONVL_SYSTEM, ref.get("system_prompt").asText());
            CaptionPrompt p = prompt(ref, ModelConfigReader.DIFFUSIONVL_SYSTEM, "<image>", "<image>\n");
            String name = ref.get("name").asText();
            assertEquals(ref.get("rendered").asText(), p.render(), name);
            assertEquals(ref.get("chat_template_rendered").asText(), p.render(), name);
            int[] expected = QwenTokenizerParityTest.ints(ref.get("ids"));
            assertEquals(1, ref.get("image_tokens").asInt());
            assertArrayEquals(expected, marked(p.tokens(), ref.get("image_token_id").asInt(), 1), name);
        }
    }

    @Test
    void diffusionVlLlavaConfigGetsTheReleasePromptThroughTheConfigReader() {
        ObjectNode root = (ObjectNode) JSON.valueToTree(java.util.Map.of("model_type", "diffusionvl_qwen",
                "vocab_size", 800, "hidden_size", 64, "intermediate_size", 128, "num_hidden_layers", 2,
                "num_attention_heads", 4, "num_key_value_heads", 2, "eos_token_id", 702, "mask_token_id", 799,
                "bd3lm_block_size", 4));
        root.set("vision_config", JSON.valueToTree(java.util.Map.of("hidden_size", 32, "intermediate_size", 64,
                "num_hidden_layers", 2, "num_attention_heads", 2, "image_size", 28, "patch_size", 14)));
        DecodingDefaults d = ModelConfigReader.parse(root).decoding();
        assertEquals(ModelConfigReader.DIFFUSIONVL_SYSTEM, d.systemPrompt());
        assertEquals(4, d.blockSize(), "bd3lm_block_size");
        JsonNode ref = named("diffusionvl_qwen2_5");
        CaptionPrompt p = new CaptionPrompt(tok, template("qwen2_5"), d);
        assertEquals(ref.get("rendered").asText(), p.render());
        assertArrayEquals(QwenTokenizerParityTest.ints(ref.get("ids")), marked(p.tokens(), -200, 1));
    }

    @Test
    void withoutASystemPromptEachTemplateWritesItsOwnDefault() {
        for (JsonNode ref : prompts("qwen2_5")) {
            if (!ref.get("name").asText().endsWith("_default_system")) {
                continue;
            }
            CaptionPrompt p = prompt(ref, null, "<image>", "<image>\n");
            assertEquals(ref.get("rendered").asText(), p.render(), ref.get("name").asText());
        }
        // the two templates differ here, which is why DiffusionVL's system message is set explicitly
        assertTrue(named("qwen2_5_vl_default_system").get("rendered").asText().contains("You are a helpful assistant."));
        assertTrue(named("qwen2_5_default_system").get("rendered").asText().contains("You are Qwen"));
    }

    @Test
    void diffusionVlLlavaConfigDefaultsToTheReleaseMaskRowAndBlockSize() {
        ObjectNode root = (ObjectNode) JSON.valueToTree(java.util.Map.of("model_type", "diffusionvl_qwen",
                "vocab_size", 152064, "hidden_size", 64, "intermediate_size", 128, "num_hidden_layers", 2,
                "num_attention_heads", 4, "num_key_value_heads", 2, "eos_token_id", 151645, "bd3lm_block_size", 8));
        root.set("vision_config", JSON.valueToTree(java.util.Map.of("hidden_size", 32, "intermediate_size", 64,
                "num_hidden_layers", 2, "num_attention_heads", 2, "image_size", 28, "patch_size", 14)));
        DecodingDefaults d = ModelConfigReader.parse(root).decoding();
        assertEquals(151671, d.maskTokenId());
        assertEquals(8, d.blockSize());
        root.put("vocab_size", 151660); // the eos row 151645 inside, the mask row 151671 outside
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfigReader.parse(root));
        assertTrue(e.getMessage().contains("mask_token_id 151671") && e.getMessage().contains("set mask_token_id"),
                e.getMessage());
    }
}
