package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

class VectorWarmUpTest {

    /**
     * The warm-up runs on a background thread where a bad shape or layout would only end the
     * thread (and the warm-up) with a stack trace: every call it makes must be one the backends
     * accept, the scalar reference (which checks the most) included.
     */
    @Test
    void everyWarmUpCallIsValidOnTheVectorAndTheScalarBackend() {
        assertDoesNotThrow(() -> VectorWarmUp.run(new VectorBackend(new WorkerPool(2)), 4));
        assertDoesNotThrow(() -> VectorWarmUp.run(new ScalarBackend(), 4));
    }
}
