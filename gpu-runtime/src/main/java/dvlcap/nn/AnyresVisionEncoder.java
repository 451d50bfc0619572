package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.image.VisionInput;
import dvlcap.model.ImageTiling;
import dvlcap.model.ModelConfig;
import dvlcap.model.VisionConfig;
import dvlcap.model.WeightSource;
import java.util.Arrays;

/**
 * LLaVA-NeXT's vision side around the SigLIP {@link VisionTower}: each tile through the tower and
 * projector, then the rows merged as {@code prepare_inputs_labels_for_multimodal} does for the
 * config's {@code image_aspect_ratio} and {@code mm_patch_merge_type} (see {@link AnyresLayout}).
 * Untiled images ({@code square}, {@code pad}) take one tile; with an {@code unpad} merge type LLaVA
 * appends one {@code image_newline} row to them.
 *
 * <p>The tiles' features stay on the backend; rows that are only moved are copied there, rows that
 * are computed (bilinear shrink, max-pool) are computed on the host one map row at a time, so host
 * memory stays a few map rows whatever the grid.
 */
public final class AnyresVisionEncoder implements VisionEncoder {
    static final String NEWLINE = "model.image_newline";

    private final Backend b;
    private final VisionTower tower;
    private final ImageTiling tiling;
    private final Tensor newline;
    private final int unit, hidden, tileLength;

    AnyresVisionEncoder(Backend backend, VisionTower tower, ImageTiling tiling, Tensor newline, VisionConfig vision,
                        int lmHidden) {
        this.b = backend;
        this.tower = tower;
        this.tiling = tiling;
        this.newline = newline;
        this.unit = vision.gridSize();
        this.hidden = lmHidden;
        this.tileLength = vision.numChannels() * vision.imageSize() * vision.imageSize();
        if (tiling.merge().unpad() && newline == null) {
            throw new IllegalArgumentException(tiling.merge().configName() + " needs " + NEWLINE);
        }
    }

    /** Loads the tower, the projector and, for unpad merge types, {@code model.image_newline}. */
    public static AnyresVisionEncoder load(Backend backend, ModelConfig config, WeightSource source) {
        VisionTower tower = new VisionTower(backend, config, source);
        try {
            int h = config.text().hiddenSize();
            Tensor newline = config.tiling().merge().unpad() ? new WeightLoader(backend, source).vector(NEWLINE, h) : null;
            return new AnyresVisionEncoder(backend, tower, config.tiling(), newline, config.vision(), h);
        } catch (RuntimeException e) {
            tower.close();
            throw e;
        }
    }

    @Override
    public int tokens(VisionInput image) {
        if (!tiling.anyres()) {
            checkTiles(image, 1);
            return unit * unit + (tiling.merge().unpad() ? 1 : 0);
        }
        return layout(image).tokens();
    }

    private AnyresLayout layout(VisionInput image) {
        checkTiles(image, 1 + image.gridRows() * image.gridCols());
        return AnyresLayout.of(tiling, unit, image.gridRows(), image.gridCols(), image.originalWidth(),
                image.originalHeight());
    }

    private void checkTiles(VisionInput image, int tiles) {
        if ((long) tiles * tileLength != image.pixels().length) {
            throw new IllegalArgumentException("expected " + tiles + " tile(s) of " + tileLength + " values"
                    + (tiling.anyres() ? " (base + " + image.gridRows() + "x" + image.gridCols() + " grid)" : "")
                    + ", got " + image.pixels().length + " values");
        }
    }

    @Override
    public Tensor encode(VisionInput image) {
        if (!tiling.anyres()) {
            checkTiles(image, 1);
            if (!tiling.merge().unpad()) {
                return tower.encode(image.pixels());
            }
            try (Tensor f = tower.encode(image.pixels())) {
                Tensor out = b.allocate((unit * unit + 1) * hidden);
                b.copy(f, 0, out, 0, unit * unit * hidden);
                b.copy(newline, 0, out, unit * unit * hidden, hidden);
                return out;
            }
        }
        AnyresLayout l = layout(image);
        Tensor[] tiles = new Tensor[1 + l.gridRows() * l.gridCols()];
        Tensor out = null;
        try {
            float[] pixels = image.pixels();
            for (int i = 0; i < tiles.length; i++) {
                tiles[i] = tower.encode(Arrays.copyOfRange(pixels, i * tileLength, (i + 1) * tileLength));
            }
            out = b.allocate(l.tokens() * hidden);
            new Assembly(l, tiles, out).run();
            Tensor done = out;
            out = null;
            return done;
        } finally {
            Closeables.closeAll(tiles);
            if (out != null) {
                out.close();
            }
        }
    }

    /** Writes one image's rows into {@code out} from the tile features. */
    private final class Assembly {
        private final AnyresLayout l;
        private final Tensor[] tiles;
        private final Tensor out;
        private int row;

        Assembly(AnyresLayout l, Tensor[] tiles, Tensor out) {
            this.l = l;
            this.tiles = tiles;
            this.out = out;
        }

        void run() {
            int perTile = unit * unit * hidden;
            if (!l.merge().spatial()) {
                for (Tensor t : tiles) {
                    b.copy(t, 0, out, row * hidden, perTile);
                    row += unit * unit;
                }
                return;
            }
            if (l.merge().base()) {
                b.copy(tiles[0], 0, out, 0, perTile);
                row = unit * unit;
            }
            if (l.merge().maxPool()) {
                maxPool();
            } else if (l.interpolate()) {
                bilinear();
            } else {
                for (int y = l.top(); y < l.bottom(); y++) {
                    copyMapRow(y);
                    endRow();
                }
            }
        }

        private void endRow() {
            if (l.newline()) {
                b.copy(newline, 0, out, row * hidden, hidden);
                row++;
            }
        }

        /** Copies map row {@code y}, columns left..right, to the next output rows (on the backend). */
        private void copyMapRow(int y) {
            for (int x = l.left(); x < l.right(); ) {
                int tc = x / unit, within = x % unit, run = Math.min(l.right(), (tc + 1) * unit) - x;
                b.copy(tile(y, tc), ((y % unit) * unit + within) * hidden, out, row * hidden, run * hidden);
                row += run;
                x += run;
            }
        }

        /** Reads map row {@code y}, columns left..right, into {@code dst} (host). */
        private void readMapRow(int y, float[] dst) {
            for (int x = l.left(); x < l.right(); ) {
                int tc = x / unit, within = x % unit, run = Math.min(l.right(), (tc + 1) * unit) - x;
                b.read(tile(y, tc), ((y % unit) * unit + within) * hidden, dst, (x - l.left()) * hidden, run * hidden);
                x += run;
            }
        }

        private Tensor tile(int y, int tileCol) {
            return tiles[1 + (y / unit) * l.gridCols() + tileCol];
        }

        /**
         * torch's {@code interpolate(mode="bilinear", align_corners=False)} of the kept region, in float:
         * source index {@code scale * (i + 0.5) - 0.5} clamped at 0, width blended first, then height.
         */
        private void bilinear() {
            int inH = l.bottom() - l.top(), inW = l.right() - l.left(), outW = l.outCols();
            Taps rowsTaps = new Taps(inH, l.outRows()), colTaps = new Taps(inW, outW);
            float[] r0 = new float[inW * hidden], r1 = new float[inW * hidden], line = new float[outW * hidden];
            int have0 = -1, have1 = -1;
            for (int oy = 0; oy < l.outRows(); oy++) {
                int y0 = rowsTaps.i0[oy], y1 = rowsTaps.i1[oy];
                if (have0 != y0) {
                    if (have1 == y0) {
                        float[] t = r0;
                        r0 = r1;
                        r1 = t;
                        have1 = -1;
                    } else {
                        readMapRow(l.top() + y0, r0);
                    }
                    have0 = y0;
                }
                if (have1 != y1) {
                    readMapRow(l.top() + y1, r1);
                    have1 = y1;
                }
                float wy0 = rowsTaps.w0[oy], wy1 = rowsTaps.w1[oy];
                for (int ox = 0; ox < outW; ox++) {
                    int a = colTaps.i0[ox] * hidden, c = colTaps.i1[ox] * hidden, o = ox * hidden;
                    float wx0 = colTaps.w0[ox], wx1 = colTaps.w1[ox];
                    for (int k = 0; k < hidden; k++) {
                        float top = r0[a + k] * wx0 + r0[c + k] * wx1;
                        float bottom = r1[a + k] * wx0 + r1[c + k] * wx1;
                        line[o + k] = top * wy0 + bottom * wy1;
                    }
                }
                b.write(out, row * hidden, line, 0, line.length);
                row += outW;
                endRow();
            }
        }

        /** {@code max_pool2d(kernel 2)} of the whole map: windows of 2 x 2, a trailing odd row or column dropped. */
        private void maxPool() {
            int w = l.gridCols() * unit, outW = l.outCols();
            float[] r0 = new float[w * hidden], r1 = new float[w * hidden], line = new float[outW * hidden];
            for (int oy = 0; oy < l.outRows(); oy++) {
                readMapRow(2 * oy, r0);
                readMapRow(2 * oy + 1, r1);
                for (int ox = 0; ox < outW; ox++) {
                    int a = 2 * ox * hidden, c = a + hidden, o = ox * hidden;
                    for (int k = 0; k < hidden; k++) {
                        line[o + k] = Math.max(Math.max(r0[a + k], r0[c + k]), Math.max(r1[a + k], r1[c + k]));
                    }
                }
                b.write(out, row * hidden, line, 0, line.length);
                row += outW;
            }
        }
    }

    /** Linear interpolation taps along one axis, as torch computes them for float input. */
    static final class Taps {
        final int[] i0, i1;
        final float[] w0, w1;

        Taps(int in, int outSize) {
            i0 = new int[outSize];
            i1 = new int[outSize];
            w0 = new float[outSize];
            w1 = new float[outSize];
            float scale = (float) in / outSize;
            for (int i = 0; i < outSize; i++) {
                float src = scale * (i + 0.5f) - 0.5f;
                if (src < 0) {
                    src = 0;
                }
                int lo = Math.min((int) Math.floor(src), in - 1);
                float lambda = Math.min(Math.max(src - lo, 0f), 1f);
                i0[i] = lo;
                i1[i] = lo + (lo < in - 1 ? 1 : 0);
                w1[i] = lambda;
                w0[i] = 1f - lambda;
            }
        }
    }

    @Override
    public void close() {
        Closeables.closeAll(newline, tower);
    }
}
