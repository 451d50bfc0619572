package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.BackendRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {

    @Test
    void defaultsToDeviceZero() {
        DeviceSelection s = DeviceSelection.from(BackendRequest.of("cuda"), Map.of());
        assertEquals(0, s.ordinal());
        assertEquals("default", s.source());
    }

    @Test
    void environmentVariableSelects() {
        DeviceSelection s = DeviceSelection.from(BackendRequest.of("cuda"), Map.of("DVLCAP_CUDA_DEVICE", " 3 "));
        assertEquals(3, s.ordinal());
        assertTrue(s.source().contains("DVLCAP_CUDA_DEVICE"));
    }

    @Test
    void requestedDeviceWinsOverEnvironment() {
        DeviceSelection s = DeviceSelection.from(BackendRequest.of("cuda").onDevice(2), Map.of("DVLCAP_CUDA_DEVICE", "5"));
        assertEquals(2, s.ordinal());
        assertTrue(s.source().contains("request"), s.source());
    }

    /** Two engines in one JVM asking for different GPUs each get their own; no JVM-wide setting leaks between them. */
    @Test
    void twoRequestsWithDifferentDevicesDoNotInterfere() {
        BackendRequest first = BackendRequest.of("cuda").onDevice(1);
        BackendRequest second = BackendRequest.of("cuda").onDevice(3);
        assertEquals(1, DeviceSelection.of(first).ordinal());
        assertEquals(3, DeviceSelection.of(second).ordinal());
        assertEquals(1, DeviceSelection.of(first).ordinal(), "the second request changed nothing for the first");
        assertEquals(null, System.getProperty("dvlcap.cuda.device"), "no system property is set");
    }

    @Test
    void badOrdinalNamesItsSource() {
        for (String bad : new String[] {"gpu0", "-1", "1.5"}) {
            DeviceSelection s = DeviceSelection.from(BackendRequest.of("cuda"), Map.of("DVLCAP_CUDA_DEVICE", bad));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::ordinal);
            assertTrue(e.getMessage().contains("DVLCAP_CUDA_DEVICE") && e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void visibleDevicesDescribedForMessages() {
        assertEquals("unset", DeviceSelection.visibleDevices(Map.of()));
        assertEquals("''", DeviceSelection.visibleDevices(Map.of("CUDA_VISIBLE_DEVICES", "")));
    }
}
