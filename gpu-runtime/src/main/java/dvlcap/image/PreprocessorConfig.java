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
import java.util.Locale;

/**
 * The fields of a Hugging Face {@code preprocessor_config.json} that decide the pixels a vision tower
 * sees (SigLIP and CLIP image processors). Missing fields take the processor class's defaults:
 * SigLIP's (bicubic, mean/std 0.5) unless {@code image_processor_type} names CLIP (OpenAI CLIP mean/std).
 *
 * @param source the file read, for messages; may be null
 * @param resizeHeight target height when resizing to a fixed size, else 0
 * @param resizeWidth target width when resizing to a fixed size, else 0
 * @param shortestEdge target shortest edge (aspect kept) when {@code size} says so, else 0
 * @param cropHeight centre-crop height when {@code doCenterCrop}, else 0
 * @param cropWidth centre-crop width when {@code doCenterCrop}, else 0
 * @param mean per-channel mean (3 values), applied after rescaling
 * @param std per-channel standard deviation (3 values)
 */
public record PreprocessorConfig(Path source, boolean doResize, int resizeHeight, int resizeWidth, int shortestEdge,
                                 ResampleFilter resample, boolean doCenterCrop, int cropHeight, int cropWidth,
                                 boolean doRescale, double rescaleFactor, boolean doNormalize, double[] mean,
                                 double[] std, boolean doConvertRgb) {

    public static final String FILE_NAME = "preprocessor_config.json";
    private static final double[] HALF = {0.5, 0.5, 0.5};
    private static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    public PreprocessorConfig {
        mean = mean.clone();
        std = std.clone();
        if (mean.length != 3 || std.length != 3) {
            throw new ModelFileException(named(source), null, "image_mean and image_std need 3 values each");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new ModelFileException(named(source), null, "image_std values must be positive");
            }
        }
    }

    /** SigLIP's processor at {@code size x size}: bicubic, rescale 1/255, mean and std 0.5. */
    public static PreprocessorConfig siglip(int size) {
        return new PreprocessorConfig(null, true, size, size, 0, ResampleFilter.BICUBIC, false, 0, 0,
                true, 1 / 255.0, true, HALF, HALF, true);
    }

    /** Writes SigLIP's processor at {@code size x size} as {@code dir/}{@value #FILE_NAME}, the file {@link #read} takes. */
    public static void writeSiglip(Path dir, int size) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode p = json.createObjectNode();
        p.put("image_processor_type", "SiglipImageProcessor");
        p.put("do_resize", true);
        p.putObject("size").put("height", size).put("width", size);
        p.put("resample", 3);
        p.put("do_rescale", true);
        p.put("rescale_factor", 1.0 / 255);
        p.put("do_normalize", true);
        ArrayNode mean = p.putArray("image_mean"), std = p.putArray("image_std");
        for (int i = 0; i < 3; i++) {
            mean.add(HALF[i]);
            std.add(HALF[i]);
        }
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            Files.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Reads a model directory's {@value #FILE_NAME} (or the file itself when given a file). */
    public static PreprocessorConfig read(Path path) {
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

    public static PreprocessorConfig parse(JsonNode root, Path source) {
        try {
            return parseFields(root, source);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(named(source), null, e.getMessage(), e);
        }
    }

    private static PreprocessorConfig parseFields(JsonNode root, Path source) {
        boolean clip = root.path("image_processor_type").asText("").toLowerCase(Locale.ROOT).contains("clip");
        int h = 0;
        int w = 0;
        int shortest = 0;
        JsonNode size = root.get("size");
        if (size != null && size.isInt()) {
            // A bare number: CLIP reads it as the shortest edge, SigLIP as a square.
            if (clip) {
                shortest = size.asInt();
            } else {
                h = size.asInt();
                w = h;
            }
        } else if (size != null && size.isObject()) {
            if (size.has("shortest_edge")) {
                shortest = size.get("shortest_edge").asInt();
            } else if (size.has("height") && size.has("width")) {
                h = size.get("height").asInt();
                w = size.get("width").asInt();
            } else {
                throw new IllegalArgumentException("size needs {height, width} or {shortest_edge}, got " + size);
            }
        } else if (size != null && !size.isNull()) {
            throw new IllegalArgumentException("size must be a number or an object, got " + size);
        }
        boolean doCrop = root.path("do_center_crop").asBoolean(false);
        int ch = 0;
        int cw = 0;
        if (doCrop) {
            JsonNode crop = root.get("crop_size");
            if (crop != null && crop.isInt()) {
                ch = crop.asInt();
                cw = ch;
            } else if (crop != null && crop.has("height") && crop.has("width")) {
                ch = crop.get("height").asInt();
                cw = crop.get("width").asInt();
            } else {
                throw new IllegalArgumentException("do_center_crop needs crop_size {height, width}");
            }
        }
        boolean doResize = root.path("do_resize").asBoolean(true);
        if (doResize && h <= 0 && w <= 0 && shortest <= 0) {
            throw new IllegalArgumentException("do_resize is set but size is missing or not positive");
        }
        ResampleFilter resample = ResampleFilter.fromPil(root.path("resample").asInt(ResampleFilter.BICUBIC.pilCode()));
        return new PreprocessorConfig(source, doResize, h, w, shortest, resample, doCrop, ch, cw,
                root.path("do_rescale").asBoolean(true), root.path("rescale_factor").asDouble(1 / 255.0),
                root.path("do_normalize").asBoolean(true),
                triple(root, "image_mean", clip ? CLIP_MEAN : HALF), triple(root, "image_std", clip ? CLIP_STD : HALF),
                root.path("do_convert_rgb").asBoolean(true));
    }

    private static double[] triple(JsonNode root, String field, double[] fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (n.isNumber()) {
            return new double[] {n.asDouble(), n.asDouble(), n.asDouble()};
        }
        if (!n.isArray() || n.size() != 3) {
            throw new IllegalArgumentException(field + " must be 3 numbers, got " + n);
        }
        return new double[] {n.get(0).asDouble(), n.get(1).asDouble(), n.get(2).asDouble()};
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** The file for messages: the source, or the conventional name when the config was built in code. */
    static Path named(Path source) {
        return source == null ? Path.of(FILE_NAME) : source;
    }
}
