package dvlcap.backend;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * Which backend to create and with what limits; {@link Backends#create(BackendRequest)} takes it.
 * Everything a backend needs is in here, so two engines in one JVM can ask for different devices
 * without a process-wide setting between them. Serializable: Spark ships it inside job options.
 *
 * @param name             one of {@link #NAMES}, lower case
 * @param cudaDevice       CUDA ordinal as the driver counts devices (after CUDA_VISIBLE_DEVICES), or
 *                         {@link #DEFAULT_DEVICE}: environment variable DVLCAP_CUDA_DEVICE, else 0
 * @param memoryLimitBytes most device bytes a CUDA backend may hold; {@link Long#MAX_VALUE} = the card's
 * @param heapWeightBytes  most bytes of bf16/f16 weights the Vector API backend copies onto the heap
 *                         in its panel layout at their first matmul (read faster than through a
 *                         staging copy of the mapped file); the rest stay memory-mapped. 0 (the
 *                         default): none; {@link #AUTO_HEAP_WEIGHTS}: all of a model's if they fit a quarter of the maximum heap, else none.
 *                         Other backends ignore it.
 */
public record BackendRequest(String name, int cudaDevice, long memoryLimitBytes, long heapWeightBytes)
        implements Serializable {

    /** The backend names every command accepts, in the order help text lists them. */
    public static final List<String> NAMES = List.of("auto", "cpu", "vector", "scalar", "cuda");

    /** {@link #cudaDevice} when the request does not pin one. */
    public static final int DEFAULT_DEVICE = -1;

    /** {@link #heapWeightBytes} for all of a model's 16-bit weights if they fit a quarter of the maximum heap, else none. */
    public static final long AUTO_HEAP_WEIGHTS = -1;

    public BackendRequest {
        name = canonicalName(name);
        if (cudaDevice < DEFAULT_DEVICE) {
            throw new IllegalArgumentException("CUDA device ordinal must be >= 0, got " + cudaDevice);
        }
        if (memoryLimitBytes < 1) {
            throw new IllegalArgumentException("backend memory limit must be >= 1 byte, got " + memoryLimitBytes);
        }
        if (heapWeightBytes < AUTO_HEAP_WEIGHTS) {
            throw new IllegalArgumentException("heap for 16-bit weights must be >= 0 bytes (or auto), got " + heapWeightBytes);
        }
    }

    /** A request that keeps every 16-bit weight memory-mapped ({@link #heapWeightBytes} 0). */
    public BackendRequest(String name, int cudaDevice, long memoryLimitBytes) {
        this(name, cudaDevice, memoryLimitBytes, 0);
    }

    /** {@code name} on the default device, without a memory limit. */
    public static BackendRequest of(String name) {
        return new BackendRequest(name, DEFAULT_DEVICE, Long.MAX_VALUE);
    }

    /** The same request pinned to CUDA device {@code ordinal}. */
    public BackendRequest onDevice(int ordinal) {
        if (ordinal < 0) {
            throw new IllegalArgumentException("CUDA device ordinal must be >= 0, got " + ordinal);
        }
        return new BackendRequest(name, ordinal, memoryLimitBytes, heapWeightBytes);
    }

    /** The same request with a device memory cap. */
    public BackendRequest withMemoryLimit(long bytes) {
        return new BackendRequest(name, cudaDevice, bytes, heapWeightBytes);
    }

    /** The same request with at most {@code bytes} of 16-bit weights on the heap ({@link #AUTO_HEAP_WEIGHTS}: all or none, within a quarter of the heap). */
    public BackendRequest withHeapWeights(long bytes) {
        return new BackendRequest(name, cudaDevice, memoryLimitBytes, bytes);
    }

    /** True when the request names a device rather than leaving it to the environment. */
    public boolean pinsDevice() {
        return cudaDevice != DEFAULT_DEVICE;
    }

    /**
     * {@code name} trimmed and lower-cased; anything not in {@link #NAMES} is an
     * {@link IllegalArgumentException} listing them, the one message every command shows.
     */
    public static String canonicalName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(n)) {
            throw new IllegalArgumentException(unknownNameMessage(name));
        }
        return n;
    }

    /** The message for a backend name that is not one of {@link #NAMES}. */
    public static String unknownNameMessage(String name) {
        return "unknown backend '" + name + "'; allowed: " + String.join(", ", NAMES);
    }
}
