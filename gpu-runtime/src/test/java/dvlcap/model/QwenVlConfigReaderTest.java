package dvlcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * qwen2.5-vl configs as each release writes them: the Hugging Face Qwen2.5-VL-3B/7B-Instruct files
 * (flat layout, the text_config layout of transformers 4.5x, and transformers 5's rope_parameters as
 * written by the parity fixture), DiffusionVL-Qwen2.5VL-3B's DiffusionVLQwenVLConfig and Fast-dVLM-3B's.
 */
class QwenVlConfigReaderTest {
    private static final Path CONFIGS = Path.of("src/test/resources/configs/qwen25vl");
    private static final Path PARITY = Path.of("src/test/resources/parity/qwen25vl");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static ModelConfig read(String name) {
        return ModelConfigReader.read(CONFIGS.resolve(name));
    }

    @Test
    void qwen25vl3bInstructFlatLayoutLoadsWithMrope() {
        ModelConfig c = read("qwen2.5-vl-3b-instruct.json");
        assertEquals(ModelConfig.QWEN2_5_VL, c.family());
        assertTrue(c.isQwenVl());
        assertNull(c.vision());
        TextConfig t = c.text();
        assertEquals(new TextConfig(151_936, 2048, 11_008, 36, 16, 2, 128, 1e-6f, 1e6f, 128_000, true), t);
        QwenVlConfig q = c.qwenVl();
        assertEquals(QwenVlConfig.Release.QWEN2_5_VL, q.release());
        assertArrayEquals(new int[] {16, 24, 24}, q.mropeSection());
        assertEquals(151_655, q.imageTokenId());
        assertEquals(151_652, q.visionStartTokenId());
        assertEquals(151_653, q.visionEndTokenId());
        assertEquals(new QwenVisionConfig(32, 1280, 3420, 16, 3, 14, 2, 2, 112, List.of(7, 15, 23, 31), 2048, 10_000f),
                q.vision());
        assertEquals(80, q.vision().headDim());
        assertEquals(1176, q.vision().patchDim());
        assertEquals(4, q.vision().windowUnits());
        assertEquals(2048, c.projectorHidden());
        DecodingDefaults d = c.decoding();
        assertFalse(d.isDiffusion());
        assertEquals(1, d.blockSize());
        assertEquals(List.of(151_645), d.eosTokenIds());
        assertNull(d.systemPrompt(), "the chat template adds Qwen2.5-VL's own default system message");
        assertEquals("<|image_pad|>", d.imagePlaceholder());
        assertEquals("<|vision_start|><|image_pad|><|vision_end|>", d.imageMarkup());
    }

    @Test
    void qwen25vl7bInstructIsUntiedWithWiderMerger() {
        ModelConfig c = read("qwen2.5-vl-7b-instruct.json");
        assertEquals(new TextConfig(152_064, 3584, 18_944, 28, 28, 4, 128, 1e-6f, 1e6f, 128_000, false), c.text());
        assertEquals(3584, c.qwenVl().vision().outHiddenSize());
        assertArrayEquals(new int[] {16, 24, 24}, c.qwenVl().mropeSection());
    }

    @Test
    void textConfigLayoutReadsLikeTheFlatOne() {
        ModelConfig flat = read("qwen2.5-vl-3b-instruct.json"), nested = read("qwen2.5-vl-3b-instruct-text-config.json");
        assertEquals(flat.text(), nested.text());
        assertEquals(flat.qwenVl().vision(), nested.qwenVl().vision());
        assertArrayEquals(flat.qwenVl().mropeSection(), nested.qwenVl().mropeSection());
        assertEquals(flat.decoding(), nested.decoding());
    }

    @Test
    void transformers5RopeParametersLoad() {
        ModelConfig c = ModelConfigReader.read(PARITY.resolve("hf/config.json"));
        assertEquals(QwenVlConfig.Release.QWEN2_5_VL, c.qwenVl().release());
        assertArrayEquals(new int[] {2, 3, 3}, c.qwenVl().mropeSection());
        assertEquals(1e6f, c.text().ropeTheta());
        assertTrue(c.text().tieWordEmbeddings());
        assertEquals(16, c.text().headDim());
        QwenVisionConfig v = c.qwenVl().vision();
        assertEquals(List.of(2), v.fullAttentionBlocks());
        assertEquals(2, v.windowUnits());
        assertEquals(10_000f, v.ropeTheta());
        assertEquals(290, c.qwenVl().imageTokenId());
    }

    @Test
    void diffusionVl3bUsesOneDimensionalPositionsAndTheLlavaPrompt() {
        ModelConfig c = read("diffusionvl-qwen2.5vl-3b.json");
        QwenVlConfig q = c.qwenVl();
        assertEquals(QwenVlConfig.Release.DIFFUSIONVL, q.release());
        assertNull(q.mropeSection());
        assertFalse(q.usesMrope());
        assertEquals(read("qwen2.5-vl-3b-instruct.json").text(), c.text());
        DecodingDefaults d = c.decoding();
        assertEquals(151_671, d.maskTokenId());
        assertEquals(8, d.blockSize());
        assertEquals(List.of(151_645), d.eosTokenIds());
        assertEquals("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.", d.systemPrompt());
        assertEquals("<image>", d.imagePlaceholder());
        assertEquals("<image>\n", d.imageMarkup());
    }

    @Test
    void diffusionVlParityConfigTakesItsBlockFromBd3lmBlockSize() {
        ModelConfig c = ModelConfigReader.read(PARITY.resolve("diffusionvl/config.json"));
        assertEquals(QwenVlConfig.Release.DIFFUSIONVL, c.qwenVl().release());
        assertEquals(4, c.decoding().blockSize());
        assertEquals(299, c.decoding().maskTokenId());
    }

    @Test
    void fastDvlm3bKeepsMropeWithBlock32AndMask151665() {
        ModelConfig c = read("fast-dvlm-3b.json");
        assertEquals(QwenVlConfig.Release.FAST_DVLM, c.qwenVl().release());
        assertArrayEquals(new int[] {16, 24, 24}, c.qwenVl().mropeSection());
        assertEquals(151_665, c.decoding().maskTokenId());
        assertEquals(32, c.decoding().blockSize());
        assertEquals("<|vision_start|><|image_pad|><|vision_end|>", c.decoding().imageMarkup());
        // the architecture alone identifies it, whatever model_type says
        ModelConfig byArch = edited("fast-dvlm-3b.json", n -> n.put("model_type", "qwen2_5_vl"));
        assertEquals(QwenVlConfig.Release.FAST_DVLM, byArch.qwenVl().release());
    }

    @Test
    void llavaConfigsStillReadAsLlavaQwen2() throws IOException {
        ModelConfig shipped = ModelConfigReader.read(Path.of("..", "models", EmbeddedModels.DEFAULT, "config.json"));
        assertEquals(ModelConfig.LLAVA_QWEN2, shipped.family());
        assertNull(shipped.qwenVl());
    }

    @Test
    void unsupportedVisionActivationNamesTheKey() {
        String m = failure("qwen2.5-vl-3b-instruct.json", n -> ((ObjectNode) n.get("vision_config")).put("hidden_act", "gelu"));
        assertTrue(m.contains("config.json") || m.contains(".json"), m);
        assertTrue(m.contains("vision_config.hidden_act") && m.contains("silu"), m);
    }

    @Test
    void unsupportedRopeScalingNamesTheKeyAndWhatIsSupported() {
        String m = failure("qwen2.5-vl-3b-instruct.json", n -> ((ObjectNode) n.get("rope_scaling")).put("type", "yarn"));
        assertTrue(m.contains("rope_scaling") && m.contains("yarn") && m.contains("mrope"), m);
    }

    @Test
    void otherQwenVlGenerationsAreRefusedByModelType() {
        String m = failure("qwen2.5-vl-3b-instruct.json", n -> {
            n.put("model_type", "qwen2_vl");
            n.putArray("architectures").add("Qwen2VLForConditionalGeneration");
        });
        assertTrue(m.contains("model_type 'qwen2_vl'") && m.contains("qwen2_5_vl") && m.contains("diffusionvl_qwenvl"), m);
    }

    @Test
    void diffusionVlWithAnotherProjectorIsRefused() {
        String m = failure("diffusionvl-qwen2.5vl-3b.json", n -> n.put("mm_projector_type", "mlp2x_gelu"));
        assertTrue(m.contains("mm_projector_type") && m.contains("qwen_merger"), m);
    }

    @Test
    void zeroOrHugeSizesNameTheKeyInsteadOfDividingByZero() {
        String zero = failure("qwen2.5-vl-3b-instruct.json", n -> n.put("num_attention_heads", 0));
        assertTrue(zero.contains("num_attention_heads must be a whole number from 1 to"), zero);
        String huge = failure("qwen2.5-vl-3b-instruct.json", n -> ((ObjectNode) n.get("vision_config")).put("depth", 1L << 40));
        assertTrue(huge.contains("vision_config.depth") && huge.contains(String.valueOf(1L << 40)), huge);
        String kv = failure("qwen2.5-vl-3b-instruct.json", n -> n.put("num_key_value_heads", 0));
        assertTrue(kv.contains("num_key_value_heads must be a whole number from 1 to 16"), kv);
    }

    @Test
    void mropeSectionMustCoverHalfTheHeadDim() {
        String m = failure("qwen2.5-vl-3b-instruct.json",
                n -> ((ObjectNode) n.get("rope_scaling")).putArray("mrope_section").add(16).add(24).add(16));
        assertTrue(m.contains("mrope_section") && m.contains("64"), m);
    }

    @Test
    void mergerWidthMustMatchTheLm() {
        String m = failure("qwen2.5-vl-3b-instruct.json",
                n -> ((ObjectNode) n.get("vision_config")).put("out_hidden_size", 3584));
        assertTrue(m.contains("vision_config.out_hidden_size 3584") && m.contains("2048"), m);
    }

    @Test
    void missingVisionConfigIsNamed() {
        String m = failure("qwen2.5-vl-3b-instruct.json", n -> n.remove("vision_config"));
        assertTrue(m.contains("vision_config is missing"), m);
    }

    @Test
    void slidingWindowAttentionIsRefused() {
        String m = failure("qwen2.5-vl-3b-instruct.json", n -> n.put("use_sliding_window", true));
        assertTrue(m.contains("use_sliding_window"), m);
    }

    private ModelConfig edited(String name, Consumer<ObjectNode> edit) {
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(CONFIGS.resolve(name).toFile());
            edit.accept(n);
            Path f = tmp.resolve("config.json");
            Files.writeString(f, JSON.writeValueAsString(n));
            return ModelConfigReader.read(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String failure(String name, Consumer<ObjectNode> edit) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> edited(name, edit));
        assertTrue(e.getMessage().contains(tmp.resolve("config.json").toString()), e.getMessage());
        return e.getMessage();
    }
}
