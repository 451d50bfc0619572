package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineCaptionerFactoryTest {

    @Test
    void autoBackendMeansCudaOnlyWhenSparkAssignedAGpu() {
        assertEquals("cuda", EngineCaptionerFactory.backend("auto", "0"));
        assertEquals("auto", EngineCaptionerFactory.backend("auto", null));
        assertEquals("cpu", EngineCaptionerFactory.backend("cpu", "1"));
    }

    @Test
    void gpuAddressIsTranslatedThroughVisibleDevices() {
        assertEquals("3", EngineCaptionerFactory.ordinal("3", null));
        assertEquals("1", EngineCaptionerFactory.ordinal("3", "2,3"));
        assertEquals("0", EngineCaptionerFactory.ordinal("0", "5"), "container numbering kept");
    }
}
