package dvlcap.image;

import dvlcap.model.ImageTiling.Resolution;
import dvlcap.model.VisionConfig;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * LLaVA-NeXT's anyres preprocessing ({@code process_anyres_image}, as DiffusionVL ships it): the best
 * of the pinpoint resolutions for the image, the image resized into it keeping its aspect ratio and
 * centred on black, cut into tiles of the tower's size in row-major order, preceded by a base tile that
 * is the whole image stretched to one tile. Each tile then goes through the SigLIP processor (its
 * resize is the identity at tile size; rescale, normalise). Both resizes are PIL's {@code Image.resize}
 * default for RGB, bicubic, whatever the processor's own filter.
 *
 * <p>The result is a {@link VisionInput} with the base tile first, then {@code gridRows x gridCols}
 * tiles, and the decoded image's size (the encoder's unpadding needs it). Thread-safe.
 */
public final class AnyresPreprocessor implements VisionPreprocessor {
    private final ImagePreprocessor tile;
    private final int size;
    private final List<Resolution> pinpoints;

    /**
     * @param config the tile processor's settings (SigLIP's at the tower's size when the checkpoint
     *        has no preprocessor_config.json: LLaVA's SigLIP tower always uses those)
     * @param pinpoints candidate resolutions, each a whole number of {@code vision.imageSize()} tiles
     */
    public AnyresPreprocessor(PreprocessorConfig config, VisionConfig vision, List<Resolution> pinpoints) {
        this.tile = new ImagePreprocessor(config, vision, AspectMode.SQUARE);
        this.size = vision.imageSize();
        this.pinpoints = List.copyOf(pinpoints);
        if (this.pinpoints.isEmpty()) {
            throw new IllegalArgumentException("anyres needs at least one pinpoint resolution");
        }
        for (Resolution r : this.pinpoints) {
            if (r.width() % size != 0 || r.height() % size != 0) {
                throw new IllegalArgumentException("pinpoint " + r + " is not a whole number of " + size + "-pixel tiles");
            }
        }
    }

    @Override
    public VisionInput preprocess(BufferedImage image) {
        BufferedImage rgb = RgbConversion.plainRgb(image);
        Resolution best = selectBestResolution(rgb.getWidth(), rgb.getHeight(), pinpoints);
        int rows = best.height() / size, cols = best.width() / size;
        List<BufferedImage> tiles = tiles(rgb, best);
        int per = tile.outputLength();
        float[] pixels = new float[tiles.size() * per];
        for (int i = 0; i < tiles.size(); i++) {
            tile.preprocess(tiles.get(i), pixels, i * per);
        }
        return new VisionInput(pixels, rows, cols, rgb.getWidth(), rgb.getHeight());
    }

    /** The 8-bit tiles, base first (for checks and debugging). */
    public List<BufferedImage> tiles(BufferedImage image) {
        BufferedImage rgb = RgbConversion.plainRgb(image);
        return tiles(rgb, selectBestResolution(rgb.getWidth(), rgb.getHeight(), pinpoints));
    }

    private List<BufferedImage> tiles(BufferedImage rgb, Resolution best) {
        List<BufferedImage> out = new ArrayList<>();
        out.add(PilResize.resize(rgb, size, size, ResampleFilter.BICUBIC));
        BufferedImage padded = resizeAndPad(rgb, best);
        for (int y = 0; y < best.height(); y += size) {
            for (int x = 0; x < best.width(); x += size) {
                out.add(padded.getSubimage(x, y, size, size));
            }
        }
        return out;
    }

    /**
     * LLaVA-NeXT's {@code select_best_resolution}: the candidate that keeps the most of the image's
     * pixels when it is scaled to fit (never counting more than the original has), ties broken by the
     * least wasted area, then by order. Arithmetic as in Python: float scale, truncated sizes. An image
     * too thin to keep a pixel anywhere still gets the least wasteful candidate, as in Python.
     */
    public static Resolution selectBestResolution(int width, int height, List<Resolution> candidates) {
        Resolution best = null;
        long maxEffective = 0;
        long minWasted = Long.MAX_VALUE;
        long original = (long) width * height;
        for (Resolution r : candidates) {
            double scale = Math.min((double) r.width() / width, (double) r.height() / height);
            long w = (long) (width * scale), h = (long) (height * scale);
            long effective = Math.min(w * h, original);
            long wasted = (long) r.width() * r.height() - effective;
            if (effective > maxEffective || effective == maxEffective && wasted < minWasted) {
                maxEffective = effective;
                minWasted = wasted;
                best = r;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no candidate resolutions");
        }
        return best;
    }

    /**
     * LLaVA-NeXT's {@code resize_and_pad_image}: scaled to fill the target's width or height (the
     * other side rounded up, at most the target), bicubic, pasted centred (offset floored) on black.
     */
    static BufferedImage resizeAndPad(BufferedImage rgb, Resolution target) {
        int ow = rgb.getWidth(), oh = rgb.getHeight(), tw = target.width(), th = target.height();
        double scaleW = (double) tw / ow, scaleH = (double) th / oh;
        int nw, nh;
        if (scaleW < scaleH) {
            nw = tw;
            nh = (int) Math.min(Math.ceil(oh * scaleW), th);
        } else {
            nh = th;
            nw = (int) Math.min(Math.ceil(ow * scaleH), tw);
        }
        BufferedImage resized = PilResize.resize(rgb, nw, nh, ResampleFilter.BICUBIC);
        BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_INT_RGB); // zero: black
        out.setRGB((tw - nw) / 2, (th - nh) / 2, nw, nh, resized.getRGB(0, 0, nw, nh, null, 0, nw), 0, nw);
        return out;
    }

    public int tileSize() {
        return size;
    }

    public List<Resolution> pinpoints() {
        return pinpoints;
    }
}
