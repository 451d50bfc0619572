package dvlcap.nn;

import java.util.Arrays;

/**
 * Qwen2.5-VL's multimodal rotary positions for a prompt with one image (transformers'
 * {@code get_rope_index}): text rows count up on all three sections; the image's rows, row by row
 * over its merged grid, take the temporal position of the image's start and height / width
 * positions start + row / start + column; text after the image continues at start + max(rows, cols).
 * Every slot past the prompt (the answer) sits at {@code slot + delta} on all three sections, delta
 * being how far the image pulled positions back.
 */
public final class MropePositions implements RopePositions {
    private final int[][] prompt;
    private final int delta;

    private MropePositions(int[][] prompt, int delta) {
        this.prompt = prompt;
        this.delta = delta;
    }

    /**
     * The positions of {@code ids} (image rows {@link InputRows#IMAGE}, exactly {@code unitRows x
     * unitCols} of them in one run, or none) and of everything after them.
     */
    public static MropePositions of(int[] ids, int unitRows, int unitCols) {
        int n = ids.length;
        int[][] p = new int[3][n];
        int cur = 0, images = 0;
        for (int i = 0; i < n; ) {
            if (ids[i] != InputRows.IMAGE) {
                p[0][i] = p[1][i] = p[2][i] = cur++;
                i++;
                continue;
            }
            int run = 0;
            while (i + run < n && ids[i + run] == InputRows.IMAGE) {
                run++;
            }
            if (++images > 1 || run != unitRows * unitCols) {
                throw new IllegalArgumentException("the prompt has " + (images > 1 ? "more than one image" : run
                        + " image rows") + ", expected one image of " + unitRows + "x" + unitCols + " rows");
            }
            for (int r = 0; r < unitRows; r++) {
                for (int c = 0; c < unitCols; c++) {
                    int at = i + r * unitCols + c;
                    p[0][at] = cur;
                    p[1][at] = cur + r;
                    p[2][at] = cur + c;
                }
            }
            cur += Math.max(unitRows, unitCols);
            i += run;
        }
        return new MropePositions(p, cur - n);
    }

    /** How much the positions after the prompt lag behind their slots (negative: the image is 2-D). */
    public int delta() {
        return delta;
    }

    @Override
    public int sections() {
        return 3;
    }

    @Override
    public void fill(int slot0, int n, int[][] out, int off) {
        for (int i = 0; i < n; i++) {
            int slot = slot0 + i;
            for (int s = 0; s < 3; s++) {
                out[s][off + i] = slot < prompt[0].length ? prompt[s][slot] : slot + delta;
            }
        }
    }

    @Override
    public String toString() {
        return "MropePositions[t=" + Arrays.toString(prompt[0]) + ", h=" + Arrays.toString(prompt[1]) + ", w="
                + Arrays.toString(prompt[2]) + ", delta=" + delta + "]";
    }
}
