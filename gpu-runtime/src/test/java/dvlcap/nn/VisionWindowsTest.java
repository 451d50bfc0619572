package dvlcap.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

/** The window plan against transformers' get_window_index worked by hand. */
class VisionWindowsTest {

    @Test
    void partialWindowsKeepRowOrderInsideAndSkipNothing() {
        // 5 x 3 units, windows of 2: window rows {0,1},{2,3},{4}; window columns {0,1},{2}
        VisionWindows w = VisionWindows.of(5, 3, 2);
        assertArrayEquals(new int[] {0, 1, 3, 4, 2, 5, 6, 7, 9, 10, 8, 11, 12, 13, 14}, w.order());
        assertArrayEquals(new int[] {0, 4, 6, 10, 12, 14, 15}, w.starts());
    }

    @Test
    void exactTilingHasNoEmptyWindows() {
        VisionWindows w = VisionWindows.of(4, 4, 2);
        assertEquals(4, w.windows());
        assertArrayEquals(new int[] {0, 4, 8, 12, 16}, w.starts());
        assertArrayEquals(new int[] {0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15}, w.order());
    }

    @Test
    void aWindowLargerThanTheImageIsTheWholeImage() {
        VisionWindows w = VisionWindows.of(3, 2, 4);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, w.order());
        assertArrayEquals(new int[] {0, 6}, w.starts());
    }

    @Test
    void orderIsAPermutation() {
        VisionWindows w = VisionWindows.of(7, 11, 4);
        int[] sorted = w.order().clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
    }
}
