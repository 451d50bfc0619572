package dvlcap.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Page bookkeeping: lowest pages first, no page given twice, leaks fail the close. */
class PageAllocatorTest {

    @Test
    void pagesComeLowestFirstAndFreedOnesAreReused() {
        PageAllocator a = new PageAllocator(8);
        int[] x = a.tryAllocate(3), y = a.tryAllocate(2);
        assertArrayEquals(new int[] {0, 1, 2}, x);
        assertArrayEquals(new int[] {3, 4}, y);
        a.free(x);
        assertArrayEquals(new int[] {0, 1, 2, 5}, a.tryAllocate(4), "the freed pages, then the next free one");
        assertEquals(6, a.inUse());
        assertEquals(6, a.peak());
    }

    @Test
    void aRequestLargerThanWhatIsFreeGetsNothingAndTakesNothing() {
        PageAllocator a = new PageAllocator(4);
        int[] held = a.tryAllocate(3);
        assertNull(a.tryAllocate(2));
        assertEquals(1, a.free());
        a.free(held);
        assertEquals(4, a.free());
        a.close();
    }

    @Test
    void closingWithPagesHeldFailsAndSaysHowMany() {
        PageAllocator a = new PageAllocator(10);
        a.tryAllocate(2);
        a.tryAllocate(3);
        IllegalStateException e = assertThrows(IllegalStateException.class, a::close);
        assertTrue(e.getMessage().contains("5 of 10 pages still held"), e.getMessage());
    }

    @Test
    void freeingAPageNotHeldFailsAndChangesNothing() {
        PageAllocator a = new PageAllocator(4);
        int[] held = a.tryAllocate(2);
        a.free(held);
        assertThrows(IllegalStateException.class, () -> a.free(held), "double free");
        a.tryAllocate(1);
        assertThrows(IllegalStateException.class, () -> a.free(new int[] {0, 3}), "page 3 was never given");
        assertEquals(1, a.inUse(), "page 0 still held after the refused free");
    }
}
