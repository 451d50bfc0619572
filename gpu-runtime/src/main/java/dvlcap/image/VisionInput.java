package dvlcap.image;

/**
 * A preprocessed image as a vision encoder takes it. What {@code pixels} holds depends on the
 * family's preprocessor:
 * <ul>
 *   <li>SigLIP, {@code square} or {@code pad}: one tile {@code [3, S, S]}; grid 1 x 1.</li>
 *   <li>LLaVA {@code anyres}: the base tile then {@code gridRows x gridCols} tiles in row-major
 *       order, each {@code [3, S, S]}; {@code originalWidth/Height} are the image's size before
 *       tiling (for {@code spatial_unpad}).</li>
 *   <li>qwen2.5-vl: Hugging Face's {@code pixel_values}, {@code [gridRows * gridCols, 3 * 2 * 14 * 14]};
 *       {@code gridRows x gridCols} is the grid of 14-pixel patches ({@code image_grid_thw}'s h and w).</li>
 * </ul>
 *
 * @param pixels the values, never null
 * @param gridRows rows of tiles or patches (1 for a single tile)
 * @param gridCols columns of tiles or patches (1 for a single tile)
 * @param originalWidth the decoded image's width, or 0 when the encoder does not need it
 * @param originalHeight the decoded image's height, or 0 when the encoder does not need it
 */
public record VisionInput(float[] pixels, int gridRows, int gridCols, int originalWidth, int originalHeight) {
    public VisionInput {
        if (pixels == null) {
            throw new IllegalArgumentException("pixels must not be null");
        }
        if (gridRows < 1 || gridCols < 1 || originalWidth < 0 || originalHeight < 0) {
            throw new IllegalArgumentException("bad image geometry: grid " + gridRows + "x" + gridCols + ", original "
                    + originalWidth + "x" + originalHeight);
        }
    }

    /** A single tile ({@code square} or {@code pad}). */
    public static VisionInput tile(float[] pixels) {
        return new VisionInput(pixels, 1, 1, 0, 0);
    }
}
