package dvlcap.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.backend.VectorBackend;
import dvlcap.model.MapWeightSource;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.ModelFileException;
import dvlcap.model.QwenVlTensorNames;
import dvlcap.model.SafetensorsFile;
import dvlcap.model.WeightSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** The release layouts are one model: the same weights under each naming give the same logits. */
class QwenVlTensorNamesTest {

    private static MapWeightSource renamed(WeightSource src, UnaryOperator<String> rename) {
        MapWeightSource m = new MapWeightSource("renamed.safetensors");
        for (String name : src.names()) {
            long[] shape = src.shape(name);
            m.put(rename.apply(name), src.floats(name, shape), shape);
        }
        return m;
    }

    private static float[] logits(Backend b, ModelConfig config, WeightSource weights) {
        int[] ids = {286, 11, -1, -1, -1, -1, -1, -1, 12, 13};
        try (LlavaModel m = LlavaModel.load(b, config, weights);
             Tensor features = m.vision().encode(QwenParityFixture.image(new int[] {4, 6}, 5))) {
            return m.fullLogits(ids, features, m.positions(ids, QwenParityFixture.image(new int[] {4, 6}, 5)), 1);
        }
    }

    @Test
    void transformers452LayoutLoadsAsTheHubLayout() {
        Backend b = new VectorBackend();
        ModelConfig config = ModelConfigReader.read(QwenParityFixture.HF.resolve("config.json"));
        try (SafetensorsFile hub = SafetensorsFile.open(QwenParityFixture.HF.resolve("model.safetensors"))) {
            MapWeightSource newer = renamed(hub, n -> n.startsWith("model.") ? "model.language_model." + n.substring(6)
                    : n.startsWith("visual.") ? "model." + n : n);
            assertTrue(newer.has("model.language_model.layers.0.self_attn.q_proj.weight"));
            assertTrue(newer.has("model.visual.blocks.0.attn.qkv.weight"));
            assertEquals(QwenVlTensorNames.HF_LANGUAGE_MODEL, QwenVlTensorNames.detect(newer, Path.of("x")));
            assertArrayEquals(logits(b, config, hub), logits(b, config, newer), 0f);
        }
    }

    /** CheckpointLayout lists exactly what transformers saved, with the same shapes. */
    @Test
    void checkpointLayoutListsTheHubTensors() {
        ModelConfig config = ModelConfigReader.read(QwenParityFixture.HF.resolve("config.json"));
        java.util.Map<String, long[]> layout = dvlcap.model.CheckpointLayout.shapes(config);
        try (SafetensorsFile hub = SafetensorsFile.open(QwenParityFixture.HF.resolve("model.safetensors"))) {
            assertEquals(new java.util.TreeSet<>(hub.names()), new java.util.TreeSet<>(layout.keySet()));
            for (String n : hub.names()) {
                assertArrayEquals(hub.shape(n), layout.get(n), n);
            }
        }
        // and random weights of that layout load as a model
        try (LlavaModel m = LlavaModel.load(new VectorBackend(), config, new dvlcap.bench.RandomWeightSource(config, 1))) {
            assertEquals(6, m.vision().tokens(QwenParityFixture.image(new int[] {4, 6}, 0)));
        }
    }

    @Test
    void diffusionVlLayoutIsDetected() {
        try (SafetensorsFile f = SafetensorsFile.open(QwenParityFixture.DIFFUSIONVL.resolve("model.safetensors"))) {
            assertEquals(QwenVlTensorNames.DIFFUSIONVL, QwenVlTensorNames.detect(f, f.file()));
        }
    }

    @Test
    void weightsWithoutAQwenTowerNameWhatWasLookedFor() {
        MapWeightSource none = new MapWeightSource("llava.safetensors").put("model.embed_tokens.weight", new float[4], 2, 2);
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> QwenVlTensorNames.detect(none, Path.of("llava.safetensors")));
        assertTrue(e.getMessage().contains("llava.safetensors") && e.getMessage().contains("visual.patch_embed.proj.weight")
                && e.getMessage().contains("model.vision_tower.vision_tower.patch_embed.proj.weight"), e.getMessage());
    }

    @Test
    void aMissingTensorIsNamedAsStored() {
        ModelConfig config = ModelConfigReader.read(QwenParityFixture.DIFFUSIONVL.resolve("config.json"));
        try (SafetensorsFile f = SafetensorsFile.open(QwenParityFixture.DIFFUSIONVL.resolve("model.safetensors"))) {
            MapWeightSource broken = renamed(f, n -> n);
            MapWeightSource without = new MapWeightSource("dvl.safetensors");
            for (String n : broken.names()) {
                if (!n.equals("model.mm_projector.merger.ln_q.weight")) {
                    without.put(n, broken.floats(n, broken.shape(n)), broken.shape(n));
                }
            }
            ModelFileException e = assertThrows(ModelFileException.class,
                    () -> LlavaModel.load(new VectorBackend(), config, without));
            assertTrue(e.getMessage().contains("model.mm_projector.merger.ln_q.weight"), e.getMessage());
        }
    }
}
