package dvlcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dvlcap.model.ImageTiling.Resolution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LLaVA-NeXT's tiling keys in config.json, starting from DiffusionVL-Qwen2.5-7B's config as the release
 * writes it (keys reconstructed from DiffusionVL's training script, which stores the expanded pinpoint
 * list, and LLaVA-OneVision's published config of the same shape).
 */
class AnyresConfigTest {
    private static final Path RELEASE = Path.of("src", "test", "resources", "release-configs",
            "DiffusionVL-Qwen2.5-7B", "config.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path edited(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(RELEASE.toFile());
        edit.accept(root);
        Path file = dir.resolve("config.json");
        Files.writeString(file, JSON.writeValueAsString(root));
        return file;
    }

    @Test
    void diffusionVlQwen25_7bConfigLoadsAsWritten() {
        ModelConfig c = ModelConfigReader.read(RELEASE);
        assertEquals("llava-qwen2", c.family());
        assertEquals(List.of(3584, 28, 28, 4, 152_064), List.of(c.text().hiddenSize(), c.text().numLayers(),
                c.text().numHeads(), c.text().numKvHeads(), c.text().vocabSize()));
        assertEquals(VisionConfig.so400mPatch14At384(), c.vision());
        assertEquals(26, c.visionLayersToRun(), "the release stores the tower without its last layer");
        assertEquals("anyres_max_4", c.imageAspectRatio());
        ImageTiling t = c.tiling();
        assertTrue(t.anyres());
        assertEquals(4, t.maxTiles());
        assertEquals(PatchMerge.SPATIAL_UNPAD, t.merge());
        assertEquals(36, t.pinpoints().size());
        assertEquals(List.of(new Resolution(384, 384), new Resolution(384, 768)), t.pinpoints().subList(0, 2));
        assertEquals(new Resolution(2304, 2304), t.pinpoints().get(35));
        assertArrayEquals(new long[] {3584}, CheckpointLayout.shapes(c).get("model.image_newline"));
    }

    @Test
    void pinpointStringExpandsToTheListTheTrainingScriptStores() throws IOException {
        ModelConfig fromString = ModelConfigReader.read(edited(r -> r.put("image_grid_pinpoints", "(1x1),...,(6x6)")));
        assertEquals(ModelConfigReader.read(RELEASE).tiling(), fromString.tiling());
    }

    @Test
    void pinpointStringRangeRunsFromFirstToLastEntryWidthOuter() {
        assertEquals(List.of(new Resolution(336, 672), new Resolution(336, 1008), new Resolution(672, 672),
                new Resolution(672, 1008)), ImageTiling.expandGrid("(1x2),(9x9),(2x3)", 336));
        assertEquals(List.of(new Resolution(336, 672), new Resolution(672, 336)),
                ImageTiling.pairs("[(336, 672), (672, 336)]"));
    }

    @Test
    void theReleaseConfigIsABlockDiffusionModelWithDiffusionVlsMaskRowAndBlockSize() {
        DecodingDefaults d = ModelConfigReader.read(RELEASE).decoding();
        assertTrue(d.isDiffusion(), "model_type diffusionvl_qwen is a dVLM although config.json has no mask_token_id");
        assertEquals(151_671, d.maskTokenId());
        assertEquals(8, d.blockSize(), "bd3lm_block_size");
        assertEquals(List.of(151_645), d.eosTokenIds());
    }

    @Test
    void untiledConfigsKeepTheirMeaning() throws IOException {
        ModelConfig pad = ModelConfigReader.read(edited(r -> {
            r.put("image_aspect_ratio", "pad");
            r.remove("mm_patch_merge_type");
        }));
        assertEquals(ImageTiling.none(), pad.tiling());
        assertFalse(CheckpointLayout.shapes(pad).containsKey("model.image_newline"));
    }

    @Test
    void anyresConfigSurvivesTheWritersRoundTrip() {
        ModelConfig c = ModelConfigReader.read(RELEASE);
        // the writer writes the project's own keys; give the release's mask row and block size as those
        ModelConfig ours = new ModelConfig(c.family(), c.text(), c.vision(), c.projectorHidden(), c.visionFeatureLayer(),
                new DecodingDefaults(151_671, List.of(151_645), 8, null, "Describe this image.", "<image>"),
                c.imageAspectRatio(), c.tiling());
        assertEquals(ours, ModelConfigWriter.write(dir, ours, DType.BF16));
    }

    private void assertRefused(Consumer<ObjectNode> edit, String... mentions) throws IOException {
        Path file = edited(edit);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelConfigReader.read(file));
        assertEquals(file, e.file());
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), "'" + m + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void unsupportedSettingsAreRefusedNamingFileKeyAndWhatIsSupported() throws IOException {
        assertRefused(r -> r.put("image_aspect_ratio", "highres"), "image_aspect_ratio", "highres", "anyres_max_N");
        assertRefused(r -> r.put("image_aspect_ratio", "anyres_max_0"), "image_aspect_ratio", "N >= 1");
        assertRefused(r -> r.put("image_aspect_ratio", "anyres_max_four"), "image_aspect_ratio");
        assertRefused(r -> r.put("mm_patch_merge_type", "spatial_unpad_2x2"), "mm_patch_merge_type",
                "spatial_unpad_2x2", "flat, spatial, spatial_unpad");
        assertRefused(r -> r.putArray("image_grid_pinpoints").addArray().add(400).add(384), "image_grid_pinpoints",
                "384-pixel tiles");
        assertRefused(r -> r.remove("image_grid_pinpoints"), "image_grid_pinpoints");
        assertRefused(r -> r.put("image_grid_pinpoints", "(0x1),(2x2)"), "image_grid_pinpoints");
        assertRefused(r -> r.put("mm_resampler_type", "spatial_pool"), "mm_resampler_type");
    }
}
