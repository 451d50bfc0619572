package dvlcap.backend.cuda;

import dvlcap.backend.DeviceOutOfMemoryException;
import java.util.HashMap;
import java.util.Map;

/** Device memory simulated on the host: numbered blocks, a capacity, and a check against double frees. */
final class FakeDeviceMemory implements DeviceMemory<Long> {
    private final long capacity;
    private final Map<Long, Long> blocks = new HashMap<>();
    private long next = 1;
    private long used;
    int allocations;
    int frees;

    FakeDeviceMemory(long capacity) {
        this.capacity = capacity;
    }

    @Override
    public Long allocate(long bytes) {
        if (used + bytes > capacity) {
            throw new DeviceOutOfMemoryException(bytes, -1, "fake device full");
        }
        long id = next++;
        blocks.put(id, bytes);
        used += bytes;
        allocations++;
        return id;
    }

    @Override
    public void free(Long block) {
        Long bytes = blocks.remove(block);
        if (bytes == null) {
            throw new AssertionError("block " + block + " freed twice or never allocated");
        }
        used -= bytes;
        frees++;
    }

    long used() {
        return used;
    }

    int liveBlocks() {
        return blocks.size();
    }
}
