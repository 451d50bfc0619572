package dvlcap.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dvlcap.model.ModelFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fields of a qwen2.5-vl {@code preprocessor_config.json} that decide the pixels the vision tower sees,
 * read as Hugging Face's {@code Qwen2VLImageProcessor} reads them. Two layouts exist: the releases' own
 * (top-level {@code min_pixels}/{@code max_pixels}) and the one newer transformers write
 * ({@code "size": {"shortest_edge", "longest_edge"}}, with unused knobs as {@code null}); older
 * transformers wrote {@code "size": {"min_pixels", "max_pixels"}}. Top-level {@code min_pixels} and
 * {@code max_pixels} win over {@code size}, as in the processor's constructor. Missing keys take the
 * processor class's defaults (56*56 to 28*28*1280 pixels, bicubic, OpenAI CLIP mean/std, 14-pixel patches,
 * temporal patch 2, merge 2). {@code do_convert_rgb} is not kept: decoded images are RGB already, and for
 * anything else Hugging Face fails when it is false rather than giving other pixels.
 *
 * @param source the file read, for messages; null when built in code
 * @param minPixels the fewest pixels a resized image may have ({@code size.shortest_edge})
 * @param maxPixels the most pixels a resized image should have ({@code size.longest_edge})
 * @param mean per-channel mean (3 values), applied after rescaling
 * @param std per-channel standard deviation (3 values)
 * @param patchSize side of a square patch in pixels
 * @param temporalPatchSize frames per patch; a still image is repeated this many times
 * @param mergeSize side of the square of patches the merger joins into one token
 */
public record QwenVlPreprocessorConfig(Path source, boolean doResize, long minPixels, long maxPixels,
                                       ResampleFilter resample, boolean doRescale, double rescaleFactor,
                                       boolean doNormalize, double[] mean, double[] std, int patchSize,
                                       int temporalPatchSize, int mergeSize) {

    public static final String FILE_NAME = PreprocessorConfig.FILE_NAME;
    /** The processor class's defaults when the file names no limits. */
    public static final long DEFAULT_MIN_PIXELS = 56 * 56;
    public static final long DEFAULT_MAX_PIXELS = 28 * 28 * 1280;
    /** What Qwen2.5-VL-Instruct's {@code preprocessor_config.json} sets. */
    public static final long QWEN25VL_MAX_PIXELS = 12_845_056;
    static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    public QwenVlPreprocessorConfig {
        mean = mean.clone();
        std = std.clone();
        Path file = PreprocessorConfig.named(source);
        if (mean.length != 3 || std.length != 3) {
            throw new ModelFileException(file, null, "image_mean and image_std need 3 values each");
        }
        for (int c = 0; c < 3; c++) {
            if (!Double.isFinite(mean[c]) || !(std[c] > 0) || !Double.isFinite(std[c])) {
                throw new ModelFileException(file, null, "image_mean must be finite and image_std positive, got "
                        + java.util.Arrays.toString(mean) + " and " + java.util.Arrays.toString(std));
            }
        }
        if (minPixels < 1) {
            throw new ModelFileException(file, null, "min_pixels (size.shortest_edge) must be positive, got " + minPixels);
        }
        if (maxPixels < minPixels) {
            throw new ModelFileException(file, null, "max_pixels (size.longest_edge) " + maxPixels
                    + " is below min_pixels (size.shortest_edge) " + minPixels);
        }
        if (!(rescaleFactor > 0) || !Double.isFinite(rescaleFactor)) {
            throw new ModelFileException(file, null, "rescale_factor must be positive, got " + rescaleFactor);
        }
        if (patchSize < 1 || temporalPatchSize < 1 || mergeSize < 1) {
            throw new ModelFileException(file, null, "patch_size, temporal_patch_size and merge_size must be "
                    + "positive, got " + patchSize + ", " + temporalPatchSize + ", " + mergeSize);
        }
        if (resample == null) {
            throw new ModelFileException(file, null, "resample must be a PIL filter");
        }
    }

    /** Qwen2.5-VL-Instruct's processor: 3136 to 12845056 pixels, bicubic, CLIP mean/std, 14/2/2. */
    public static QwenVlPreprocessorConfig qwen25vl() {
        return defaults(null).withPixels(DEFAULT_MIN_PIXELS, QWEN25VL_MAX_PIXELS, null);
    }

    /** The processor class's defaults (what an empty file gives), attributed to {@code source}. */
    public static QwenVlPreprocessorConfig defaults(Path source) {
        return new QwenVlPreprocessorConfig(source, true, DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS,
                ResampleFilter.BICUBIC, true, 1 / 255.0, true, CLIP_MEAN, CLIP_STD, 14, 2, 2);
    }

    /**
     * The same processor with other pixel limits, as a caller passing {@code min_pixels}/{@code max_pixels}
     * to {@code from_pretrained} makes it; {@code source} is the file they come from (for messages), or null
     * to keep this config's.
     */
    public QwenVlPreprocessorConfig withPixels(long min, long max, Path source) {
        return new QwenVlPreprocessorConfig(source == null ? this.source : source, doResize, min, max, resample,
                doRescale, rescaleFactor, doNormalize, mean, std, patchSize, temporalPatchSize, mergeSize);
    }

    /** Side of the square a resized image's height and width are multiples of: patch_size * merge_size. */
    public int factor() {
        return patchSize * mergeSize;
    }

    /** Floats per row of {@code pixel_values}: 3 * temporal_patch_size * patch_size^2. */
    public int rowLength() {
        return 3 * temporalPatchSize * patchSize * patchSize;
    }

    /** Reads a model directory's {@value #FILE_NAME} (or the file itself when given a file). */
    public static QwenVlPreprocessorConfig read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFileException(file, null, "cannot read the image processor config: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(file, null, "is not a JSON object");
        }
        return parse(root, file);
    }

    public static QwenVlPreprocessorConfig parse(JsonNode root, Path source) {
        Path file = PreprocessorConfig.named(source);
        String type = text(root, "image_processor_type", file);
        if (type != null && !type.startsWith("Qwen2VLImageProcessor")) {
            throw new ModelFileException(file, null, "image_processor_type '" + type + "' is not a qwen2.5-vl "
                    + "image processor (Qwen2VLImageProcessor, Qwen2VLImageProcessorFast and Qwen2VLImageProcessorPil are)");
        }
        long min = DEFAULT_MIN_PIXELS;
        long max = DEFAULT_MAX_PIXELS;
        JsonNode size = present(root, "size");
        if (size != null) {
            if (!size.isObject()) {
                throw new ModelFileException(file, null, "size must be an object {shortest_edge, longest_edge}, got " + size);
            }
            // Newer files: shortest_edge/longest_edge; files written by older transformers: min_pixels/max_pixels.
            min = whole(size, "shortest_edge", whole(size, "min_pixels", min, file, "size."), file, "size.");
            max = whole(size, "longest_edge", whole(size, "max_pixels", max, file, "size."), file, "size.");
        }
        min = whole(root, "min_pixels", min, file, "");
        max = whole(root, "max_pixels", max, file, "");
        ResampleFilter resample;
        try {
            resample = ResampleFilter.fromPil((int) whole(root, "resample", ResampleFilter.BICUBIC.pilCode(), file, ""));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, null, e.getMessage(), e);
        }
        return new QwenVlPreprocessorConfig(source, bool(root, "do_resize", true, file), min, max, resample,
                bool(root, "do_rescale", true, file), number(root, "rescale_factor", 1 / 255.0, file),
                bool(root, "do_normalize", true, file), triple(root, "image_mean", CLIP_MEAN, file),
                triple(root, "image_std", CLIP_STD, file), small(root, "patch_size", 14, file),
                small(root, "temporal_patch_size", 2, file), small(root, "merge_size", 2, file));
    }

    /** Writes this config as {@code dir/}{@value #FILE_NAME} in the releases' layout, the file {@link #read} takes. */
    public void write(Path dir) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode p = json.createObjectNode();
        p.put("image_processor_type", "Qwen2VLImageProcessor");
        p.put("do_resize", doResize);
        p.put("min_pixels", minPixels);
        p.put("max_pixels", maxPixels);
        p.put("resample", resample.pilCode());
        p.put("do_rescale", doRescale);
        p.put("rescale_factor", rescaleFactor);
        p.put("do_normalize", doNormalize);
        ArrayNode m = p.putArray("image_mean");
        ArrayNode s = p.putArray("image_std");
        for (int c = 0; c < 3; c++) {
            m.add(mean[c]);
            s.add(std[c]);
        }
        p.put("patch_size", patchSize);
        p.put("temporal_patch_size", temporalPatchSize);
        p.put("merge_size", mergeSize);
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            Files.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** The field, or null when it is absent or JSON null (newer files write unused knobs as null). */
    private static JsonNode present(JsonNode obj, String key) {
        JsonNode n = obj.get(key);
        return n == null || n.isNull() ? null : n;
    }

    private static long whole(JsonNode obj, String key, long fallback, Path file, String prefix) {
        JsonNode n = present(obj, key);
        if (n == null) {
            return fallback;
        }
        // A float that is a whole number (3136.0) is what Python's int() would accept too.
        if (!n.isNumber() || !n.canConvertToExactIntegral() || !n.canConvertToLong()) {
            throw new ModelFileException(file, null, prefix + key + " must be a whole number, got " + n);
        }
        return n.asLong();
    }

    private static int small(JsonNode root, String key, int fallback, Path file) {
        long v = whole(root, key, fallback, file, "");
        if (v < 1 || v > 1024) {
            throw new ModelFileException(file, null, key + " must be between 1 and 1024, got " + v);
        }
        return (int) v;
    }

    private static boolean bool(JsonNode root, String key, boolean fallback, Path file) {
        JsonNode n = present(root, key);
        if (n == null) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new ModelFileException(file, null, key + " must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    private static double number(JsonNode root, String key, double fallback, Path file) {
        JsonNode n = present(root, key);
        if (n == null) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw new ModelFileException(file, null, key + " must be a number, got " + n);
        }
        return n.asDouble();
    }

    private static String text(JsonNode root, String key, Path file) {
        JsonNode n = present(root, key);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw new ModelFileException(file, null, key + " must be a string, got " + n);
        }
        return n.asText();
    }

    private static double[] triple(JsonNode root, String key, double[] fallback, Path file) {
        JsonNode n = present(root, key);
        if (n == null) {
            return fallback;
        }
        if (n.isNumber()) {
            return new double[] {n.asDouble(), n.asDouble(), n.asDouble()};
        }
        if (!n.isArray() || n.size() != 3 || !n.get(0).isNumber() || !n.get(1).isNumber() || !n.get(2).isNumber()) {
            throw new ModelFileException(file, null, key + " must be 3 numbers, got " + n);
        }
        return new double[] {n.get(0).asDouble(), n.get(1).asDouble(), n.get(2).asDouble()};
    }
}
