package dvlcap.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.model.ImageTiling;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The row arithmetic of LLaVA's merge, worked by hand at the release's 27-patch unit. */
class AnyresLayoutTest {
    private static final List<ImageTiling.Resolution> PINS = ImageTiling.expandGrid("(1x1),...,(6x6)", 54);

    private static AnyresLayout layout(String aspect, String merge, int rows, int cols, int w, int h) {
        return AnyresLayout.of(ImageTiling.of(aspect, PINS, merge, 54), 27, rows, cols, w, h);
    }

    @Test
    void wideImageLosesPaddingRowsAndIsShrunkPastFourTiles() {
        // 150x90 in 3x2 tiles: 81 columns; 90 * 81/150 = 48.6 -> 48 rows kept from row 3;
        // sqrt(48*81 / (4*729)) = 1.155 > 1.1 -> 48 // 1.155 = 41 rows, 81 // 1.155 = 70 columns
        AnyresLayout l = layout("anyres_max_4", "spatial_unpad", 2, 3, 150, 90);
        assertEquals(List.of(3, 51, 0, 81), List.of(l.top(), l.bottom(), l.left(), l.right()));
        assertTrue(l.interpolate());
        assertEquals(List.of(41, 70), List.of(l.outRows(), l.outCols()));
        assertEquals(729 + 41 * 71, l.tokens());
        // plain anyres keeps the whole unpadded map
        assertEquals(729 + 48 * 82, layout("anyres", "spatial_unpad", 2, 3, 150, 90).tokens());
    }

    @Test
    void tallImageLosesPaddingColumns() {
        // 61x143 in 2x3 tiles: 81 rows; 61 * 81/143 = 34.55 -> 34 columns from column 10
        AnyresLayout l = layout("anyres_max_4", "spatial_unpad", 3, 2, 61, 143);
        assertEquals(List.of(0, 81, 10, 44), List.of(l.top(), l.bottom(), l.left(), l.right()));
        assertFalse(l.interpolate());
        assertEquals(729 + 81 * 35, l.tokens());
    }

    @Test
    void oddPaddingKeepsOneRowMoreThanTheScaledHeight() {
        // 330x30 in 6x1 tiles: 30 * 162/330 = 14.7 -> 14, padding (27 - 14) // 2 = 6 each side: 15 rows stay
        AnyresLayout l = layout("anyres_max_4", "spatial_unpad", 1, 6, 330, 30);
        assertEquals(15, l.bottom() - l.top());
        assertEquals(729 + 15 * 163, l.tokens());
    }

    @Test
    void otherMergeTypesCountTheirRows() {
        assertEquals(3 * 729, layout("anyres_max_4", "flat", 1, 2, 80, 30).tokens());
        assertEquals(729 + 27 * 54, layout("anyres_max_4", "spatial", 1, 2, 80, 30).tokens());
        assertEquals(21 * 55, layout("anyres_max_4", "spatial_unpad_nobase", 1, 2, 80, 30).tokens());
        assertEquals(729 + 13 * 27, layout("anyres_max_4", "spatial_maxpool2x2", 1, 2, 80, 30).tokens());
    }

    @Test
    void unpaddingWithoutTheOriginalSizeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> layout("anyres", "spatial_unpad", 1, 2, 0, 0));
    }

    @Test
    void floorDivisionIsPythonsNotFloorOfTheQuotient() {
        assertEquals(9.0, AnyresLayout.pythonFloorDiv(1, 0.1)); // Python: 1 // 0.1 == 9.0, floor(1 / 0.1) == 10
        assertEquals(41.0, AnyresLayout.pythonFloorDiv(48, Math.sqrt(48.0 * 81 / 2916)));
        assertEquals(3.0, AnyresLayout.pythonFloorDiv(7, 2));
        assertEquals(-4.0, AnyresLayout.pythonFloorDiv(-7, 2));
    }
}
