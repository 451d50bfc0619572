package dvlcap.image;

import dvlcap.model.ModelFileException;
import dvlcap.model.VisionConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Turns a decoded RGB image into the vision tower's input: channels-first {@code [3, H, W]} floats, the
 * way the Hugging Face image processor does it after LLaVA's optional {@code expand2square}:
 * pad (PAD mode) -> resize with PIL's filter on 8-bit pixels -> centre crop (CLIP style configs) ->
 * rescale -> normalise. Arithmetic follows numpy's: rescaling in double then float32, normalising in float32.
 * Thread-safe and stateless after construction.
 */
public final class ImagePreprocessor implements VisionPreprocessor {
    private final PreprocessorConfig config;
    private final AspectMode mode;
    private final int size;
    private final float[] mean = new float[3];
    private final float[] std = new float[3];
    private final int padColour;

    /**
     * @throws ModelFileException naming the preprocessor config when its output size disagrees with the
     *         tower's {@code image_size}
     */
    public ImagePreprocessor(PreprocessorConfig config, VisionConfig vision, AspectMode mode) {
        this.config = config;
        this.mode = mode;
        this.size = vision.imageSize();
        Path file = PreprocessorConfig.named(config.source());
        int outH;
        int outW;
        if (config.doCenterCrop()) {
            outH = config.cropHeight();
            outW = config.cropWidth();
        } else if (config.doResize() && config.shortestEdge() > 0) {
            throw new ModelFileException(file, null, "size.shortest_edge " + config.shortestEdge()
                    + " without do_center_crop keeps the aspect ratio, but the vision tower needs "
                    + size + "x" + size + " images");
        } else if (config.doResize()) {
            outH = config.resizeHeight();
            outW = config.resizeWidth();
        } else {
            throw new ModelFileException(file, null, "do_resize is false and there is no centre crop: images of "
                    + "any size would reach a vision tower that needs " + size + "x" + size);
        }
        if (outH != size || outW != size) {
            throw new ModelFileException(file, null, "gives " + outW + "x" + outH + " images but the vision "
                    + "tower's image_size (config.json) is " + size);
        }
        double[] m = config.mean();
        double[] s = config.std();
        int[] pad = new int[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = (float) m[c];
            std[c] = (float) s[c];
            // LLaVA: tuple(int(x * 255) for x in image_processor.image_mean)
            pad[c] = Math.max(0, Math.min(255, (int) (m[c] * 255)));
        }
        this.padColour = (pad[0] << 16) | (pad[1] << 8) | pad[2];
    }

    /** Reads {@code preprocessor_config.json} from a model directory (or the file given). */
    public static ImagePreprocessor load(Path modelDirOrFile, VisionConfig vision, AspectMode mode) {
        return new ImagePreprocessor(PreprocessorConfig.read(modelDirOrFile), vision, mode);
    }

    public int imageSize() {
        return size;
    }

    public AspectMode mode() {
        return mode;
    }

    public PreprocessorConfig config() {
        return config;
    }

    /** Number of floats {@link #preprocess} returns: 3 x size x size. */
    public int outputLength() {
        return 3 * size * size;
    }

    /** The image as channels-first [3, size, size] floats. */
    @Override
    public VisionInput preprocess(BufferedImage image) {
        return VisionInput.tile(tile(image));
    }

    /** The preprocessed tile alone, {@code [3, size, size]}. */
    public float[] tile(BufferedImage image) {
        float[] out = new float[outputLength()];
        preprocess(image, out, 0);
        return out;
    }

    /** Writes the [3, size, size] floats into {@code out} from {@code offset} (for batching into one buffer). */
    public void preprocess(BufferedImage image, float[] out, int offset) {
        BufferedImage px = RgbConversion.plainRgb(pixels(image));
        int[] rgb = PilResize.pixels(px);
        int plane = size * size;
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                int v = (rgb[i] >> shift) & 0xFF;
                float x = config.doRescale() ? (float) (v * config.rescaleFactor()) : v;
                out[base + i] = config.doNormalize() ? (x - mean[c]) / std[c] : x;
            }
        }
    }

    /** The 8-bit size x size image the tower sees, before rescaling and normalising (for checks and debugging). */
    public BufferedImage pixels(BufferedImage image) {
        BufferedImage img = RgbConversion.plainRgb(image);
        if (mode == AspectMode.PAD) {
            img = expandToSquare(img, padColour);
        }
        if (config.doResize()) {
            int w;
            int h;
            if (config.shortestEdge() > 0) {
                int[] wh = shortestEdgeSize(img.getWidth(), img.getHeight(), config.shortestEdge());
                w = wh[0];
                h = wh[1];
            } else {
                w = config.resizeWidth();
                h = config.resizeHeight();
            }
            img = PilResize.resize(img, w, h, config.resample());
        }
        if (config.doCenterCrop()) {
            img = centerCrop(img, config.cropWidth(), config.cropHeight());
        }
        return img;
    }

    /** Hugging Face's {@code get_resize_output_image_size}: short side to {@code edge}, long side truncated. */
    static int[] shortestEdgeSize(int w, int h, int edge) {
        if (w <= h) {
            return new int[] {edge, (int) (edge * (double) h / w)};
        }
        return new int[] {(int) (edge * (double) w / h), edge};
    }

    /** LLaVA's {@code expand2square}: the image pasted centred (offset floored) on a square of {@code colour}. */
    static BufferedImage expandToSquare(BufferedImage img, int colour) {
        int w = img.getWidth();
        int h = img.getHeight();
        if (w == h) {
            return img;
        }
        int side = Math.max(w, h);
        BufferedImage sq = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        java.util.Arrays.fill(PilResize.pixels(sq), colour);
        int x0 = (side - w) / 2;
        int y0 = (side - h) / 2;
        sq.setRGB(x0, y0, w, h, img.getRGB(0, 0, w, h, null, 0, w), 0, w);
        return sq;
    }

    /** Hugging Face's {@code center_crop}: top-left at floor((size - crop) / 2), zero padding where the image is smaller. */
    static BufferedImage centerCrop(BufferedImage img, int cw, int ch) {
        int w = img.getWidth();
        int h = img.getHeight();
        if (w == cw && h == ch) {
            return img;
        }
        int left = Math.floorDiv(w - cw, 2);
        int top = Math.floorDiv(h - ch, 2);
        int[] in = PilResize.pixels(img);
        BufferedImage out = new BufferedImage(cw, ch, BufferedImage.TYPE_INT_RGB);
        int[] o = PilResize.pixels(out);
        for (int y = 0; y < ch; y++) {
            int sy = y + top;
            if (sy < 0 || sy >= h) {
                continue;
            }
            for (int x = 0; x < cw; x++) {
                int sx = x + left;
                if (sx >= 0 && sx < w) {
                    o[y * cw + x] = in[sy * w + sx];
                }
            }
        }
        return out;
    }
}
