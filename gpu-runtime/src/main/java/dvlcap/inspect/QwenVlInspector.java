package dvlcap.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dvlcap.image.QwenVlImagePreprocessor;
import dvlcap.image.QwenVlPreprocessorConfig;
import dvlcap.image.SmartResize;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * qwen2.5-vl: images keep their aspect ratio and are resized ({@code smart_resize}) to multiples of
 * patch x merge pixels between {@code min_pixels} and {@code max_pixels}, so the tokens per image range from
 * {@code min_pixels / (patch * merge)^2} to {@code max_pixels / (patch * merge)^2}. The pixel limits are the
 * image preprocessor's ({@link QwenVlImagePreprocessor#load}: {@code preprocessor_config.json}, and for
 * DiffusionVL the limits its tower takes from {@code config.json}). The tower is described from
 * {@code config.json}'s {@code vision_config}; everything here is read from the directory's files, so it is
 * available even when the engine's config reader refuses the config.
 */
final class QwenVlInspector implements FamilyInspector {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public VisionSummary vision(ModelConfig config, Path modelDir) {
        QwenVlPreprocessorConfig p = QwenVlImagePreprocessor.load(modelDir).config();
        int factor = p.factor();
        long cell = (long) factor * factor;
        // smart_resize scales an image up to at least min_pixels and down to at most max_pixels, both in
        // factor x factor cells of one token each
        int minTokens = (int) Math.max(1, (p.minPixels() + cell - 1) / cell);
        int maxTokens = (int) Math.max(minTokens, p.maxPixels() / cell);
        String images = String.format(Locale.ROOT, "native aspect ratio: resized (smart_resize) to multiples of %d "
                        + "pixels with %,d..%,d pixels; aspect ratios over %.0f:1 are refused", factor, p.minPixels(),
                p.maxPixels(), SmartResize.MAX_ASPECT_RATIO);
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "%s resampling, rescale %.6g, mean %s, std %s",
                p.resample().name().toLowerCase(Locale.ROOT), p.rescaleFactor(), Arrays.toString(p.mean()),
                Arrays.toString(p.std())));
        notes.add(String.format(Locale.ROOT, "%d-pixel patches, %d frames per patch (a still image is repeated), "
                        + "%dx%d patches merged into one LM position", p.patchSize(), p.temporalPatchSize(), p.mergeSize(),
                p.mergeSize()));
        return new VisionSummary(tower(modelDir.resolve("config.json")), images, p.minPixels(), p.maxPixels(),
                minTokens, maxTokens, notes);
    }

    /** The tower as config.json's vision_config describes it, or as mm_vision_tower names it (DiffusionVL). */
    private static String tower(Path configFile) {
        if (!Files.isRegularFile(configFile)) {
            return "Qwen2.5-VL ViT (no config.json beside the image processor config)";
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configFile));
        } catch (IOException e) {
            throw new ModelFileException(configFile, null, "cannot read JSON: " + e.getMessage(), e);
        }
        JsonNode v = root.path("vision_config");
        if (!v.isObject()) {
            String named = root.path("mm_vision_tower").asText(root.path("vision_tower").asText(""));
            return "Qwen2.5-VL ViT" + (named.isEmpty() ? "" : " of " + named) + " (no vision_config in config.json)";
        }
        return String.format(Locale.ROOT, "Qwen2.5-VL ViT, %d blocks, hidden %d, %d heads, windows of %d pixels with "
                        + "full attention in blocks %s; %dx%d merger to width %d", v.path("depth").asInt(),
                v.path("hidden_size").asInt(), v.path("num_heads").asInt(), v.path("window_size").asInt(112),
                v.path("fullatt_block_indexes"), v.path("spatial_merge_size").asInt(2),
                v.path("spatial_merge_size").asInt(2), v.path("out_hidden_size").asInt());
    }

    @Override
    public Map<String, long[]> expectedTensors(ModelConfig config) {
        return null; // the family's tensor names arrive with its model code
    }
}
