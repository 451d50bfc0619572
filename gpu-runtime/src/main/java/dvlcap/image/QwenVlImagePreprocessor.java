package dvlcap.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dvlcap.model.ModelFileException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Hugging Face's slow {@code Qwen2VLImageProcessor} for one still image, as Qwen2.5-VL, DiffusionVL-Qwen2.5VL
 * and Fast-dVLM use it: RGB -> {@link SmartResize} -> resize with PIL's filter on 8-bit pixels -> rescale ->
 * normalise -> {@code pixel_values} rows of {@code 3 * temporal_patch_size * patch_size^2} floats, one per
 * patch, the still image repeated over the temporal axis, patches ordered by {@code merge_size x merge_size}
 * group (row-major groups, row-major patches inside a group) as the vision tower's merger expects.
 * Arithmetic follows numpy's: rescaling in double then float32, normalising in float32.
 *
 * <p>The result is a {@link VisionInput} in the qwen2.5-vl layout: {@code gridRows x gridCols} is the grid
 * of patches ({@code image_grid_thw}'s h and w; t is 1 for a still image), and the original size is the
 * decoded image's. Thread-safe and stateless after construction.
 */
public final class QwenVlImagePreprocessor implements VisionPreprocessor {
    /** DiffusionVL's vision tower limits images to these pixel counts unless config.json sets its own. */
    public static final long DIFFUSIONVL_MIN_PIXELS = 384 * 384;
    public static final long DIFFUSIONVL_MAX_PIXELS = 512 * 512;

    private final QwenVlPreprocessorConfig config;
    private final AspectMode aspect;
    private final float[][] lut = new float[3][256];
    private final int padColour;

    /**
     * @param aspect {@link AspectMode#PAD} pastes the image on a square of the mean colour first (LLaVA's
     *        {@code expand2square}, which DiffusionVL applies only when training); {@link AspectMode#SQUARE}
     *        leaves it as it is, which is what every release does at inference
     */
    public QwenVlImagePreprocessor(QwenVlPreprocessorConfig config, AspectMode aspect) {
        this.config = config;
        this.aspect = aspect;
        double[] m = config.mean();
        double[] s = config.std();
        int[] pad = new int[3];
        for (int c = 0; c < 3; c++) {
            float mean = (float) m[c];
            float std = (float) s[c];
            // An 8-bit sample has 256 values: each one's float, computed once as numpy would compute it.
            for (int v = 0; v < 256; v++) {
                float x = config.doRescale() ? (float) (v * config.rescaleFactor()) : v;
                lut[c][v] = config.doNormalize() ? (x - mean) / std : x;
            }
            // LLaVA: tuple(int(x * 255) for x in image_processor.image_mean)
            pad[c] = Math.max(0, Math.min(255, (int) (m[c] * 255)));
        }
        this.padColour = (pad[0] << 16) | (pad[1] << 8) | pad[2];
    }

    /**
     * The preprocessor a model directory's files describe: {@code preprocessor_config.json}, and for a
     * DiffusionVL-Qwen2.5VL checkpoint the pixel limits its vision tower imposes (see
     * {@link #diffusionVlPixels}). A DiffusionVL directory without {@code preprocessor_config.json} gets
     * Qwen2.5-VL's processor, which its tower loads from {@code mm_vision_tower}; any other directory
     * needs the file.
     *
     * @param dirOrFile the model directory, or its image processor config (whose directory holds config.json)
     * @throws ModelFileException naming the file and key of a missing or bad setting
     */
    public static QwenVlImagePreprocessor load(Path dirOrFile) {
        boolean isDir = Files.isDirectory(dirOrFile);
        Path file = isDir ? dirOrFile.resolve(QwenVlPreprocessorConfig.FILE_NAME) : dirOrFile;
        Path dir = isDir ? dirOrFile : dirOrFile.toAbsolutePath().getParent();
        Path configFile = dir.resolve("config.json");
        long[] towerPixels = Files.isRegularFile(configFile) ? diffusionVlPixels(readJson(configFile), configFile) : null;
        QwenVlPreprocessorConfig config;
        if (Files.isRegularFile(file)) {
            config = QwenVlPreprocessorConfig.read(file);
        } else if (towerPixels != null) {
            config = QwenVlPreprocessorConfig.qwen25vl();
        } else {
            throw new ModelFileException(file, null, "is missing: a qwen2.5-vl model needs its image processor config");
        }
        if (towerPixels != null) {
            config = config.withPixels(towerPixels[0], towerPixels[1], null);
        }
        return new QwenVlImagePreprocessor(config, AspectMode.SQUARE);
    }

    /**
     * DiffusionVL's {@code LlavaQwenVisionTower} builds the image processor with {@code min_pixels} and
     * {@code max_pixels} from the model config (its trainer saves them there), defaulting to 384^2 and
     * 512^2, and those override the processor's own file. Its evaluation feeds images to that processor
     * as they are, whatever {@code image_aspect_ratio} says ({@code pad} applies only to training data).
     *
     * @return {min, max} when {@code config} is a DiffusionVL config with a Qwen vision tower
     *         ({@code mm_vision_tower} naming Qwen, or {@code model_type} {@code diffusionvl_qwenvl}), else null
     */
    static long[] diffusionVlPixels(JsonNode config, Path configFile) {
        JsonNode tower = config.get("mm_vision_tower");
        if (tower == null || tower.isNull()) {
            tower = config.get("vision_tower");
        }
        boolean qwenTower = tower != null && tower.isTextual() && tower.asText().toLowerCase(Locale.ROOT).contains("qwen");
        boolean diffusionVl = "diffusionvl_qwenvl".equals(config.path("model_type").asText(""));
        if (!qwenTower && !diffusionVl) {
            return null;
        }
        long min = pixels(config, "min_pixels", DIFFUSIONVL_MIN_PIXELS, configFile);
        long max = pixels(config, "max_pixels", DIFFUSIONVL_MAX_PIXELS, configFile);
        if (max < min) {
            throw new ModelFileException(configFile, null, "max_pixels " + max + " is below min_pixels " + min
                    + " (DiffusionVL's vision tower defaults: " + DIFFUSIONVL_MIN_PIXELS + " and "
                    + DIFFUSIONVL_MAX_PIXELS + ")");
        }
        return new long[] {min, max};
    }

    private static long pixels(JsonNode config, String key, long fallback, Path file) {
        JsonNode n = config.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.canConvertToExactIntegral() || n.asLong() < 1) {
            throw new ModelFileException(file, null, key + " must be a positive whole number, got " + n);
        }
        return n.asLong();
    }

    private static JsonNode readJson(Path file) {
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new ModelFileException(file, null, "is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new ModelFileException(file, null, "cannot read JSON: " + e.getMessage(), e);
        }
    }

    public QwenVlPreprocessorConfig config() {
        return config;
    }

    public AspectMode aspect() {
        return aspect;
    }

    /**
     * The patch grid ({rows, cols}) an image of this size gets, without preprocessing it.
     *
     * @throws ImageDecodeException when the processor refuses the size
     */
    public int[] patchGrid(int width, int height) {
        if (aspect == AspectMode.PAD) {
            width = height = Math.max(width, height);
        }
        SmartResize.Size s = resizedSize(height, width);
        return new int[] {s.height() / config.patchSize(), s.width() / config.patchSize()};
    }

    @Override
    public VisionInput preprocess(BufferedImage image) {
        int origW = image.getWidth();
        int origH = image.getHeight();
        BufferedImage img = RgbConversion.plainRgb(image);
        if (aspect == AspectMode.PAD) {
            img = ImagePreprocessor.expandToSquare(img, padColour);
        }
        SmartResize.Size size = resizedSize(img.getHeight(), img.getWidth());
        if (config.doResize()) {
            img = PilResize.resize(img, size.width(), size.height(), config.resample());
        }
        int p = config.patchSize();
        int m = config.mergeSize();
        int t = config.temporalPatchSize();
        int w = size.width();
        int gridRows = size.height() / p;
        int gridCols = w / p;
        int row = config.rowLength();
        int[] rgb = PilResize.pixels(img);
        float[] out = new float[gridRows * gridCols * row];
        int r = 0;
        // Rows: merge groups row-major, then the m x m patches of a group row-major. Columns: channel, frame
        // (the same still image each time), patch row, patch column.
        for (int gy = 0; gy < gridRows / m; gy++) {
            for (int gx = 0; gx < gridCols / m; gx++) {
                for (int my = 0; my < m; my++) {
                    for (int mx = 0; mx < m; mx++, r++) {
                        int y0 = (gy * m + my) * p;
                        int x0 = (gx * m + mx) * p;
                        int base = r * row;
                        for (int c = 0; c < 3; c++) {
                            float[] values = lut[c];
                            int shift = 16 - 8 * c;
                            int frame = base + c * t * p * p;
                            for (int py = 0; py < p; py++) {
                                int src = (y0 + py) * w + x0;
                                int dst = frame + py * p;
                                for (int px = 0; px < p; px++) {
                                    out[dst + px] = values[(rgb[src + px] >> shift) & 0xFF];
                                }
                            }
                            for (int f = 1; f < t; f++) {
                                System.arraycopy(out, frame, out, frame + f * p * p, p * p);
                            }
                        }
                    }
                }
            }
        }
        return new VisionInput(out, gridRows, gridCols, origW, origH);
    }

    /** smart_resize's size, or the image's own when {@code do_resize} is off (it must then fit the grid). */
    private SmartResize.Size resizedSize(int height, int width) {
        int factor = config.factor();
        if (!config.doResize()) {
            if (height % factor != 0 || width % factor != 0) {
                throw new ImageDecodeException(null, null, "do_resize is false, so the image's sides must be "
                        + "multiples of " + factor + ", got " + width + "x" + height);
            }
            return new SmartResize.Size(height, width);
        }
        try {
            return SmartResize.of(height, width, factor, config.minPixels(), config.maxPixels());
        } catch (IllegalArgumentException e) {
            throw new ImageDecodeException(null, null, e.getMessage(), e);
        }
    }
}
