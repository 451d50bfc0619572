package dvlcap.nn;

import java.util.Arrays;

/**
 * Qwen2.5-VL's window attention plan for one image of {@code unitRows x unitCols} merged units (2x2
 * patches each): the image is cut into windows of {@code window x window} units from the top left
 * (the last row and column of windows may be partial); windows are taken row by row, the units of a
 * window row by row. {@link #order()} lists the units in that order (the tower runs on it, the merger's
 * rows come out in it) and {@link #starts()} where each window begins, as transformers'
 * {@code get_window_index} computes {@code window_index} and {@code cu_window_seqlens}.
 */
record VisionWindows(int[] order, int[] starts) {

    static VisionWindows of(int unitRows, int unitCols, int window) {
        if (unitRows < 1 || unitCols < 1 || window < 1) {
            throw new IllegalArgumentException("bad window plan: " + unitRows + "x" + unitCols + " units, window " + window);
        }
        int[] order = new int[unitRows * unitCols];
        int winRows = (unitRows + window - 1) / window, winCols = (unitCols + window - 1) / window;
        int[] starts = new int[winRows * winCols + 1];
        int n = 0, w = 0;
        for (int wr = 0; wr < winRows; wr++) {
            for (int wc = 0; wc < winCols; wc++) {
                starts[w++] = n;
                for (int r = wr * window; r < Math.min(unitRows, (wr + 1) * window); r++) {
                    for (int c = wc * window; c < Math.min(unitCols, (wc + 1) * window); c++) {
                        order[n++] = r * unitCols + c;
                    }
                }
            }
        }
        starts[w] = n;
        return new VisionWindows(order, starts);
    }

    int windows() {
        return starts.length - 1;
    }

    @Override
    public String toString() {
        return "VisionWindows[order=" + Arrays.toString(order) + ", starts=" + Arrays.toString(starts) + "]";
    }
}
