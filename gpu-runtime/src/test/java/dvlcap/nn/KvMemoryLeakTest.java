package dvlcap.nn;

import dvlcap.backend.BudgetDevice;
import dvlcap.backend.DeviceOutOfMemoryException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** KV memory whose allocation fails part-way leaves nothing allocated behind. */
class KvMemoryLeakTest {

    @Test
    void aPoolWhoseSixthOfEightAllocationsFailsFreesTheFiveItGot() {
        // 4 layers x (keys, values) = 8 buffers; the device grants 5
        BudgetDevice device = BudgetDevice.allowing(5);
        assertThrows(DeviceOutOfMemoryException.class, () -> KvPool.allocate(device, 4, 64, 16, 3));
        assertEquals(1, device.refusals(), "the sixth allocation is the one refused");
        assertEquals(0, device.liveTensors(), "buffers left allocated after the failure");
        assertEquals(0, device.bytesInUse());
    }
}
