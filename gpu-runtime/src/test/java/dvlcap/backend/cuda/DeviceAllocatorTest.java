package dvlcap.backend.cuda;

import dvlcap.backend.DeviceOutOfMemoryException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeviceAllocatorTest {
    private final FakeDeviceMemory memory = new FakeDeviceMemory(1 << 20);
    private final DeviceAllocator<Long> allocator = new DeviceAllocator<>(memory);

    @Test
    void accountsBytesInUseAndPeak() {
        DeviceBuffer<Long> a = allocator.allocate(100, "a");
        DeviceBuffer<Long> b = allocator.allocate(300, "b");
        assertEquals(400, allocator.bytesInUse());
        assertEquals(2, allocator.liveBuffers());
        a.close();
        assertEquals(300, allocator.bytesInUse());
        DeviceBuffer<Long> c = allocator.allocate(50, "c");
        assertEquals(350, allocator.bytesInUse());
        assertEquals(400, allocator.peakBytes());
        b.close();
        c.close();
        assertEquals(0, allocator.bytesInUse());
        assertEquals(0, memory.used());
        assertTrue(allocator.close().isEmpty());
    }

    @Test
    void doubleCloseFreesOnce() {
        DeviceBuffer<Long> a = allocator.allocate(64, "a");
        a.close();
        a.close();
        assertEquals(1, memory.frees);
        assertEquals(0, allocator.bytesInUse());
        assertTrue(a.isClosed());
    }

    @Test
    void useAfterCloseIsAnError() {
        DeviceBuffer<Long> a = allocator.allocate(64, "kv cache");
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, a::block);
        assertTrue(e.getMessage().contains("kv cache"), e.getMessage());
    }

    @Test
    void closeFreesLeakedBuffersAndReportsThem() {
        allocator.allocate(10, "weight q");
        DeviceBuffer<Long> kept = allocator.allocate(20, "tensor[5]");
        allocator.allocate(30, "weight k").close();
        LeakReport report = allocator.close();
        assertEquals(2, report.buffers());
        assertEquals(30, report.bytes());
        assertEquals(List.of("weight q (10 bytes)", "tensor[5] (20 bytes)"), report.descriptions());
        assertTrue(report.toString().contains("2 device buffer(s) of 30 bytes"), report.toString());
        assertEquals(0, memory.liveBlocks(), "everything returned to the device");
        assertTrue(kept.isClosed());
        kept.close(); // closing a buffer the allocator already freed is harmless
        assertEquals(3, memory.frees);
        assertTrue(allocator.close().isEmpty(), "second close reports nothing");
        assertThrows(IllegalStateException.class, () -> allocator.allocate(1, "late"));
    }

    @Test
    void leakReportListsAtMostTwentyBuffers() {
        for (int i = 0; i < 25; i++) {
            allocator.allocate(1, "t" + i);
        }
        LeakReport r = allocator.close();
        assertEquals(25, r.buffers());
        assertEquals(20, r.descriptions().size());
        assertTrue(r.toString().endsWith(", ..."));
    }

    @Test
    void deviceOutOfMemoryLeavesAccountingUnchanged() {
        DeviceBuffer<Long> a = allocator.allocate(1 << 19, "half");
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                () -> allocator.allocate((1 << 19) + 1, "too much"));
        assertEquals((1 << 19) + 1, e.requestedBytes());
        assertEquals(1 << 19, allocator.bytesInUse());
        assertEquals(1, allocator.liveBuffers());
        a.close();
        allocator.allocate((1 << 19) + 1, "fits now").close();
    }

    @Test
    void limitBelowTheDeviceFailsLikeAFullDevice() {
        DeviceAllocator<Long> limited = new DeviceAllocator<>(memory, 1000);
        limited.allocate(600, "a");
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> limited.allocate(401, "b"));
        assertEquals(600, e.bytesInUse());
        assertTrue(e.getMessage().contains("limit 1000"), e.getMessage());
        assertEquals(1, memory.allocations, "the device was not asked");
        limited.allocate(400, "c");
        assertEquals(1000, limited.bytesInUse());
    }

    @Test
    void rejectsEmptyAllocationsAndForeignBuffers() {
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(0, "nothing"));
        DeviceAllocator<Long> other = new DeviceAllocator<>(new FakeDeviceMemory(100));
        DeviceBuffer<Long> b = other.allocate(8, "other's");
        assertFalse(allocator.owns(b));
        assertTrue(other.owns(b));
    }

    @Test
    void randomAllocateAndFreeKeepsDeviceAndAccountingInStep() {
        Random r = new Random(7);
        List<DeviceBuffer<Long>> live = new ArrayList<>();
        long expected = 0;
        for (int i = 0; i < 2000; i++) {
            if (live.isEmpty() || r.nextBoolean()) {
                long bytes = 1 + r.nextInt(500);
                live.add(allocator.allocate(bytes, "b" + i));
                expected += bytes;
            } else {
                DeviceBuffer<Long> b = live.remove(r.nextInt(live.size()));
                expected -= b.bytes();
                b.close();
            }
            assertEquals(expected, allocator.bytesInUse());
            assertEquals(expected, memory.used());
        }
        LeakReport report = allocator.close();
        assertEquals(live.size(), report.buffers());
        assertEquals(expected, report.bytes());
        assertEquals(0, memory.used());
    }

    @Test
    void bufferKnowsItsBlock() {
        DeviceBuffer<Long> b = allocator.allocate(8, "x");
        assertSame(b.block(), b.block());
        assertEquals(8, b.bytes());
        assertEquals("x", b.what());
    }

    @Test
    void closeKeepsFreeingAfterAFailedFreeAndThenThrowsIt() {
        int[] frees = {0};
        DeviceAllocator<Long> a = new DeviceAllocator<>(new DeviceMemory<>() {
            private long next;

            @Override
            public Long allocate(long bytes) {
                return next++;
            }

            @Override
            public void free(Long block) {
                frees[0]++;
                if (block == 0) {
                    throw new IllegalStateException("context broken");
                }
            }
        });
        DeviceBuffer<Long> first = a.allocate(1, "first");
        a.allocate(2, "second");
        a.allocate(3, "third");
        assertThrows(IllegalStateException.class, a::close);
        assertEquals(3, frees[0], "every buffer was offered back");
        assertEquals(0, a.bytesInUse());
        assertTrue(first.isClosed());
    }
}
