package dvlcap.nn;

import dvlcap.image.VisionInput;
import dvlcap.model.SafetensorsFile;

import java.nio.file.Path;

/** The qwen2.5-vl parity set written by parity/fx_qwen25vl.py: where it is and how its inputs are made. */
final class QwenParityFixture {
    static final Path DIR = Path.of("src/test/resources/parity/qwen25vl");
    static final Path HF = DIR.resolve("hf");
    static final Path DIFFUSIONVL = DIR.resolve("diffusionvl");
    static final int PATCH_DIM = 1176;
    static final int[] GRID_A = {8, 12}, GRID_B = {10, 6};
    static final int IMAGE_PAD = 290, VISION_START = 288, VISION_END = 289, BLOCK = 4;

    private QwenParityFixture() {
    }

    static SafetensorsFile reference() {
        return SafetensorsFile.open(DIR.resolve("reference.safetensors"));
    }

    /** The fixture's pixel_values: an integer hash, exact in float on both sides (see fx_qwen25vl.pixels). */
    static VisionInput image(int[] grid, long offset) {
        int rows = grid[0] * grid[1];
        float[] p = new float[rows * PATCH_DIM];
        for (int i = 0; i < p.length; i++) {
            long h = ((i + offset) * 2654435761L) & 0xFFFF_FFFFL;
            p[i] = (h >> 16) / 32768f - 1f;
        }
        return new VisionInput(p, grid[0], grid[1], 0, 0);
    }

    static VisionInput imageA() {
        return image(GRID_A, 0);
    }

    static VisionInput imageB() {
        return image(GRID_B, 1);
    }

    /** max |got - want| / max |want|, the measure for features and logits. */
    static double relativeError(float[] want, float[] got) {
        if (want.length != got.length) {
            throw new AssertionError("length " + got.length + ", want " + want.length);
        }
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < want.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) got[i] - want[i]));
            maxRef = Math.max(maxRef, Math.abs(want[i]));
        }
        return maxDiff / maxRef;
    }
}
