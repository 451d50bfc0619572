package dvlcap.job;

import dvlcap.schemas.Status;

/**
 * The engine's answer for one image: a caption with its costs, or the reason there is none.
 *
 * @param caption null exactly when {@code error} is set
 */
public record CaptionOutcome(String id, String caption, String error, int tokens, int blocks, int forwardPasses,
                             double visionMs, double prefillMs, double decodeMs, double latencyMs) {

    public CaptionOutcome {
        if ((caption == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of caption and error must be set for " + id);
        }
    }

    public static CaptionOutcome failed(String id, String error) {
        return new CaptionOutcome(id, null, error, 0, 0, 0, 0, 0, 0, 0);
    }

    public Status status() {
        return error == null ? Status.OK : Status.ERROR;
    }
}
