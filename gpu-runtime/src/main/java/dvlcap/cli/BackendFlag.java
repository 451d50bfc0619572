package dvlcap.cli;

import dvlcap.backend.BackendRequest;

/**
 * {@code --backend}, shared by every command that runs an engine: one list of names
 * ({@link BackendRequest#NAMES}) and one message for a bad one, whichever command reads it.
 */
public final class BackendFlag {
    public static final String NAME = "backend";

    public static final String HELP = """
              --backend NAME            %s: auto (default) takes CUDA where a GPU
                                        starts, else the CPU; cpu takes the Vector API, else
                                        scalar loops; vector, scalar and cuda fail if unavailable
            """.formatted(String.join("|", BackendRequest.NAMES));

    private BackendFlag() {
    }

    /** The request the flag names (auto when absent), on the default device. */
    public static BackendRequest request(Args a) {
        return BackendRequest.of(name(a));
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
