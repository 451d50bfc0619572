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
 */
public record BackendRequest(String name, int cudaDevice, long memoryLimitBytes) implements Serializable {

    /** The backend names every command accepts, in the order help text lists them. */
    public static final List<String> NAMES = List.of("auto", "cpu", "vector", "scalar", "cuda");

    /** {@link #cudaDevice} when the request does not pin one. */
    public static final int DEFAULT_DEVICE = -1;

    public BackendRequest {
        name = canonicalName(name);
        if (cudaDevice < DEFAULT_DEVICE) {
            throw new IllegalArgumentException("CUDA device ordinal must be >= 0, got " + cudaDevice);
        }
        if (memoryLimitBytes < 1) {
            throw new IllegalArgumentException("backend memory limit must be >= 1 byte, got " + memoryLimitBytes);
        }
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
        return new BackendRequest(name, ordinal, memoryLimitBytes);
    }

    /** The same request with a device memory cap. */
    public BackendRequest withMemoryLimit(long bytes) {
        return new BackendRequest(name, cudaDevice, bytes);
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
