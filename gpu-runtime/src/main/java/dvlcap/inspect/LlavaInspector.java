package dvlcap.inspect;

import dvlcap.image.PreprocessorConfig;
import dvlcap.model.CheckpointLayout;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelDirectory;
import dvlcap.model.VisionConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** llava-qwen2: a SigLIP-style ViT on one square tile ({@code square} or {@code pad}), an MLP projector. */
final class LlavaInspector implements FamilyInspector {

    @Override
    public VisionSummary vision(ModelConfig config, Path modelDir) {
        if (config == null) {
            return null;
        }
        VisionConfig v = config.vision();
        String tower = String.format(Locale.ROOT, "SigLIP ViT, %d layers (%d run: features of layer %d), hidden %d, "
                        + "%d heads, %d-pixel patches; projector %s to the LM width %d", v.numLayers(),
                config.visionLayersToRun(), config.visionFeatureLayer(), v.hiddenSize(), v.numHeads(), v.patchSize(),
                "mlp2x_gelu", config.text().hiddenSize());
        int s = v.imageSize();
        String images = switch (config.imageAspectRatio()) {
            case "pad" -> "one " + s + "x" + s + " tile: padded to a square with the mean colour, then resized "
                    + "(image_aspect_ratio pad)";
            default -> "one " + s + "x" + s + " tile: resized to a square, aspect not kept (image_aspect_ratio square)";
        };
        List<String> notes = new ArrayList<>();
        Path pre = modelDir.resolve(ModelDirectory.PREPROCESSOR_CONFIG);
        if (Files.isRegularFile(pre)) {
            PreprocessorConfig p = PreprocessorConfig.read(pre);
            notes.add(String.format(Locale.ROOT, "%s resampling, rescale %.6g, mean %s, std %s",
                    p.resample().name().toLowerCase(Locale.ROOT), p.rescaleFactor(), Arrays.toString(p.mean()),
                    Arrays.toString(p.std())));
        }
        notes.add(v.gridSize() + "x" + v.gridSize() + " patches, one LM position each");
        long pixels = (long) s * s;
        return new VisionSummary(tower, images, pixels, pixels, v.numPatches(), v.numPatches(), notes);
    }

    @Override
    public Map<String, long[]> expectedTensors(ModelConfig config) {
        // LLaVA deletes the tower's layers past the selected feature layer (and its post-layernorm)
        // before saving, and the engine reads only the layers it runs: require just those.
        Map<String, long[]> all = new LinkedHashMap<>(CheckpointLayout.shapes(config));
        int run = config.visionLayersToRun();
        all.keySet().removeIf(name -> {
            if (!name.startsWith(CheckpointLayout.VISION)) {
                return false;
            }
            String rest = name.substring(CheckpointLayout.VISION.length());
            if (rest.startsWith("post_layernorm.")) {
                return true;
            }
            if (rest.startsWith("encoder.layers.")) {
                int layer = Integer.parseInt(rest.substring("encoder.layers.".length(), rest.indexOf('.', 15)));
                return layer >= run;
            }
            return false;
        });
        return all;
    }
}
