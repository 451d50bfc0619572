package dvlcap.sweep;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PercentilesTest {

    @Test
    void nearestRankPicksAValueOfTheSample() {
        double[] v = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
        assertEquals(5, Percentiles.of(v, 50));
        assertEquals(10, Percentiles.of(v, 95));
        assertEquals(10, Percentiles.of(v, 99));
        assertEquals(1, Percentiles.of(v, 10));
        assertEquals(2, Percentiles.of(v, 11));
        assertEquals(1, v[1], "the input is not reordered");
    }

    @Test
    void anEmptySampleOrABadPercentileIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new double[0], 50));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new double[]{1}, 0));
    }
}
