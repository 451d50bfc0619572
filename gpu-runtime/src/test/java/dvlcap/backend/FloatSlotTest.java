package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FloatSlotTest {
    @Test
    void aThreadGetsItsOwnArrayBackUntilItAsksForMore() throws InterruptedException {
        FloatSlot slot = new FloatSlot();
        float[] first = slot.get(100);
        assertTrue(first.length >= 100);
        assertSame(first, slot.get(10), "a smaller request reuses the array");
        assertSame(first, slot.get(100));
        float[] grown = slot.get(101);
        assertTrue(grown.length >= 101);
        assertNotSame(first, grown);
        assertSame(grown, slot.get(50), "the grown array is kept");

        AtomicReference<float[]> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(slot.get(50)));
        t.start();
        t.join();
        assertNotSame(grown, other.get(), "another thread never shares it");
    }
}
