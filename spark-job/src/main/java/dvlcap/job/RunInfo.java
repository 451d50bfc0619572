package dvlcap.job;

import java.io.Serializable;

/**
 * The per-run constants written into every captions row.
 *
 * @param decoder   "block" or "ar"
 * @param remasking "static" or "dynamic"
 */
public record RunInfo(String runId, String decoder, int blockSize, int steps, String remasking, float threshold)
        implements Serializable {

    public static RunInfo of(String runId, JobOptions o) {
        return new RunInfo(runId, o.decoder().name().toLowerCase(java.util.Locale.ROOT), o.blockSize(), o.steps(),
                o.remasking().name().toLowerCase(java.util.Locale.ROOT), o.threshold());
    }
}
