package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ActivationsTest {

    @Test
    void erfMatchesKnownValuesToDoublePrecision() {
        assertEquals(0.0, Activations.erf(0.0), 0.0);
        assertEquals(0.5204998778130465, Activations.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Activations.erf(1.0), 1e-15);
        assertEquals(0.9953222650189527, Activations.erf(2.0), 1e-15);
        // 3 is past the series/continued-fraction switch at 2.5
        assertEquals(0.9999779095030014, Activations.erf(3.0), 1e-15);
        assertEquals(1.0, Activations.erf(10.0), 1e-16);
    }

    @Test
    void erfIsOdd() {
        for (double x = -6; x <= 6; x += 0.37) {
            assertEquals(-Activations.erf(x), Activations.erf(-x), 0.0, "x=" + x);
        }
    }

    @Test
    void erfIsContinuousAcrossTheAlgorithmSwitch() {
        double below = Activations.erf(Math.nextDown(2.5)), above = Activations.erf(2.5);
        assertEquals(below, above, 1e-14);
    }

    @Test
    void geluVariantsMatchPyTorchValues() {
        // torch.nn.functional.gelu(torch.tensor(1.0, dtype=float64)) and approximate='tanh'
        assertEquals(0.8413447460685429, Activations.geluErf(1f), 1e-7);
        assertEquals(0.8411919906082768, Activations.geluTanh(1f), 1e-7);
        assertEquals(-0.15865525393145707, Activations.geluErf(-1f), 1e-7);
    }
}
