package dvlcap.job;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The executor JVM's Arrow root allocator. Each partition takes a child allocator and closes it
 * when the task ends; closing a child that still holds buffers throws, so a leak fails the task
 * instead of growing the executor.
 */
public final class ArrowMemory {

    private static final RootAllocator ROOT = new RootAllocator(Long.MAX_VALUE);

    private ArrowMemory() {
    }

    public static BufferAllocator root() {
        return ROOT;
    }

    public static BufferAllocator forPartition(String name) {
        return ROOT.newChildAllocator(name, 0, Long.MAX_VALUE);
    }
}
