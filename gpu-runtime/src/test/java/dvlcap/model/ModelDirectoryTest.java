package dvlcap.model;

import dvlcap.testing.TinyCheckpoints;
import dvlcap.testing.TinyCheckpoints.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void tinyCheckpointLoadsWithEveryTensorOfTheSpec() {
        Spec spec = Spec.tiny(7);
        Path dir = TinyCheckpoints.write(tmp.resolve("tiny"), spec);
        try (ModelDirectory m = ModelDirectory.open(dir)) {
            ModelConfig c = m.config();
            assertEquals(spec.vocabSize(), c.text().vocabSize());
            assertEquals(64, c.text().hiddenSize());
            assertEquals(16, c.text().headDim());
            assertEquals(2, c.text().numKvHeads());
            assertEquals(16, c.imageTokens());
            assertEquals(1, c.visionLayersToRun());
            assertEquals(List.of(spec.imEndId()), c.decoding().eosTokenIds());
            assertEquals(spec.words().size() + 4, c.decoding().maskTokenId());
            assertEquals(4, c.decoding().blockSize());
            assertEquals("<image>", c.decoding().imagePlaceholder());
            assertEquals(spec.effectiveMaskId(), m.tokenizer().tokenId("<|mask|>").getAsInt());
            assertEquals(spec.imEndId(), m.tokenizer().tokenId(m.chatTemplate().eosToken()).getAsInt());
            assertEquals(spec.imageTokenId(), m.tokenizer().tokenId("<image>").getAsInt());

            // names and shapes written by hand from docs/SPEC-weights.md, independent of CheckpointLayout
            WeightSource w = m.weights();
            String v = "model.vision_tower.vision_tower.vision_model.";
            Map<String, long[]> some = Map.of(
                    "model.embed_tokens.weight", new long[] {spec.vocabSize(), 64},
                    "model.layers.1.self_attn.k_proj.weight", new long[] {32, 64},
                    "model.layers.1.self_attn.q_proj.bias", new long[] {64},
                    "model.layers.0.mlp.down_proj.weight", new long[] {64, 128},
                    "lm_head.weight", new long[] {spec.vocabSize(), 64},
                    v + "embeddings.patch_embedding.weight", new long[] {32, 3, 8, 8},
                    v + "embeddings.position_embedding.weight", new long[] {16, 32},
                    v + "encoder.layers.1.mlp.fc1.weight", new long[] {64, 32},
                    v + "post_layernorm.bias", new long[] {32},
                    "model.mm_projector.2.weight", new long[] {64, 64});
            some.forEach((name, shape) -> assertArrayEquals(shape, w.shape(name), name));
            // 1 embed + 12 per layer * 2 + norm + lm_head; vision 3 + 16 per layer * 2 + 2; projector 4
            assertEquals(1 + 24 + 1 + 1 + 3 + 32 + 2 + 4, w.names().size());
            Map<String, long[]> layout = CheckpointLayout.shapes(c);
            assertEquals(layout.keySet(), w.names());
            layout.forEach((name, shape) -> assertArrayEquals(shape, w.shape(name), name));

            String q = "model.layers.0.self_attn.q_proj.weight";
            assertArrayEquals(TinyCheckpoints.randomTensor(7, q, new long[] {64, 64}), w.floats(q, 64, 64));
            float[] norm = w.floats("model.norm.weight", 64);
            assertTrue(Arrays.stream(toDouble(norm)).allMatch(x -> Math.abs(x - 1) < 0.3), "norm weights near 1");
            float[] emb = w.floats("model.embed_tokens.weight", spec.vocabSize(), 64);
            double sd = Math.sqrt(Arrays.stream(toDouble(emb)).map(x -> x * x).average().orElseThrow());
            assertTrue(sd > 0.02 && sd < 0.1, "embedding std " + sd);

            PromptTokens p = m.captionPrompt().tokens();
            assertEquals(spec.imStartId(), p.before()[0]);
            assertEquals(spec.imStartId(), p.after()[p.after().length - 2]);
            assertTrue(Files.isRegularFile(m.preprocessorConfig()));
        }
    }

    @Test
    void shardedTiedBf16AutoregressiveVariantLoads() {
        Spec spec = Spec.tiny(8).withSharded(true).withTied(true).withDtype(DType.BF16).withAutoregressive();
        Path dir = TinyCheckpoints.write(tmp.resolve("variant"), spec);
        assertTrue(Files.exists(dir.resolve("model.safetensors.index.json")));
        assertFalse(Files.exists(dir.resolve("model.safetensors")));
        try (ModelDirectory m = ModelDirectory.open(dir)) {
            assertInstanceOf(ShardedWeightSource.class, m.weights());
            assertFalse(m.weights().has("lm_head.weight"));
            assertTrue(m.config().text().tieWordEmbeddings());
            assertFalse(m.config().decoding().isDiffusion());
            assertEquals(1, m.config().decoding().blockSize());
            String name = "model.layers.1.mlp.up_proj.weight";
            float[] want = TinyCheckpoints.randomTensor(8, name, new long[] {128, 64});
            float[] got = m.weights().floats(name, 128, 64);
            for (int i = 0; i < want.length; i++) {
                assertEquals(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(want[i])), got[i]);
            }
        }
    }

    @Test
    void missingDirectoryAndMissingFilesAreNamed() throws Exception {
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelDirectory.open(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("does not exist"), e.getMessage());
        Path dir = TinyCheckpoints.write(tmp.resolve("m"), Spec.tiny(1));
        for (String file : new String[] {"tokenizer.json", "config.json"}) {
            Files.delete(dir.resolve(file));
            e = assertThrows(ModelFileException.class, () -> ModelDirectory.open(dir));
            assertTrue(e.getMessage().contains(file) && e.getMessage().contains("missing"), e.getMessage());
        }
    }

    @Test
    void missingWeightsAreNamed() throws Exception {
        Path dir = TinyCheckpoints.write(tmp.resolve("m"), Spec.tiny(1));
        Files.delete(dir.resolve("model.safetensors"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelDirectory.open(dir));
        assertTrue(e.getMessage().contains("model.safetensors.index.json"), e.getMessage());
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
