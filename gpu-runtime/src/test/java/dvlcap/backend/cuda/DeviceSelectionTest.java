package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {

    @Test
    void defaultsToDeviceZero() {
        DeviceSelection s = DeviceSelection.from(k -> null, Map.of());
        assertEquals(0, s.ordinal());
        assertEquals("default", s.source());
    }

    @Test
    void environmentVariableSelects() {
        DeviceSelection s = DeviceSelection.from(k -> null, Map.of("DVLCAP_CUDA_DEVICE", " 3 "));
        assertEquals(3, s.ordinal());
        assertTrue(s.source().contains("DVLCAP_CUDA_DEVICE"));
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        DeviceSelection s = DeviceSelection.from(k -> k.equals("dvlcap.cuda.device") ? "2" : null,
                Map.of("DVLCAP_CUDA_DEVICE", "5"));
        assertEquals(2, s.ordinal());
        assertTrue(s.source().contains("dvlcap.cuda.device"));
    }

    @Test
    void badOrdinalNamesItsSource() {
        for (String bad : new String[] {"gpu0", "-1", "1.5"}) {
            DeviceSelection s = DeviceSelection.from(k -> null, Map.of("DVLCAP_CUDA_DEVICE", bad));
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
