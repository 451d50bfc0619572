package dvlcap.cli;

import dvlcap.backend.BackendRequest;
import dvlcap.engine.KvBudget;

/**
 * {@code --backend} and {@code --heap-weights}, shared by every command that runs an engine: one
 * list of names ({@link BackendRequest#NAMES}) and one message for a bad value, whichever command
 * reads them.
 */
public final class BackendFlag {
    public static final String NAME = "backend";
    public static final String HEAP_WEIGHTS = "heap-weights";

    public static final String HELP = """
              --backend NAME            %s: auto (default) takes CUDA where a GPU
                                        starts, else the CPU; cpu takes the Vector API, else
                                        scalar loops; vector, scalar and cuda fail if unavailable
              --heap-weights SIZE       most bf16/f16 weights the CPU vector backend copies onto the
                                        heap at their first use, where one-row matmuls read them
                                        1.3-1.5x faster than from the mapped checkpoint (no gain
                                        at 8+ rows; the copy delays the first forward): bytes
                                        with an optional k/m/g/t suffix (2g, first come first
                                        served), auto (all of them if they fit a quarter of the
                                        maximum heap, else none) or none (default); the rest
                                        stay memory-mapped. Results are the same either way
            """.formatted(String.join("|", BackendRequest.NAMES));

    private BackendFlag() {
    }

    /** The request the flags name (auto when absent), on the default device. */
    public static BackendRequest request(Args a) {
        return BackendRequest.of(name(a)).withHeapWeights(heapWeights(a));
    }

    /** {@code --heap-weights} in bytes: 0 when absent or none, {@link BackendRequest#AUTO_HEAP_WEIGHTS} for auto. */
    public static long heapWeights(Args a) {
        String v = a.string(HEAP_WEIGHTS, "none").trim();
        if (v.equalsIgnoreCase("auto")) {
            return BackendRequest.AUTO_HEAP_WEIGHTS;
        }
        if (v.equalsIgnoreCase("none")) {
            return 0;
        }
        long bytes = KvBudget.parseBytes(v);
        if (bytes < 0) {
            throw new Args.UsageException("--" + HEAP_WEIGHTS + " '" + v
                    + "': expected bytes with an optional k/m/g/t suffix (8g, 512m), none, or auto");
        }
        return bytes;
    }

    /** The backend name, checked against the one list. */
    public static String name(Args a) {
        String v = a.string(NAME, "auto");
        try {
            return BackendRequest.canonicalName(v);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--" + NAME + ": " + e.getMessage());
        }
    }
}
