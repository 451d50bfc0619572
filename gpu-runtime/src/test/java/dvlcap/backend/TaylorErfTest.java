package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TaylorErfTest {

    @Test
    void staysWithinItsBoundOfTheSeriesOnADenseGrid() {
        // the bound geluErf's guard relies on; the grid also crosses every center and half-way point
        double max = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double t = i * (TaylorErf.LIMIT / 2_000_000);
            max = Math.max(max, Math.abs(TaylorErf.erf(t) - Activations.erf(t)));
        }
        assertTrue(max <= TaylorErf.MAX_ERROR, "largest difference " + max);
    }

    @Test
    void matchesKnownValues() {
        assertEquals(0.0, TaylorErf.erf(0.0), 0.0);
        assertEquals(0.5204998778130465, TaylorErf.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, TaylorErf.erf(1.0), 1e-15);
        assertEquals(0.9953222650189527, TaylorErf.erf(2.0), 1e-15);
        assertEquals(0.9999779095030014, TaylorErf.erf(3.0), 1e-15);
        assertEquals(1.0, TaylorErf.erf(Math.nextDown(TaylorErf.LIMIT)), 1e-16);
    }
}
