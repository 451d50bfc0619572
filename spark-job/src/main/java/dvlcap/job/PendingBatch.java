package dvlcap.job;

import java.util.List;

/** Results of a submitted image batch that may still be in the engine. */
public interface PendingBatch {

    /**
     * Waits for every result.
     *
     * @return one outcome per submitted image, in submission order
     * @throws CaptioningException if the engine failed (not a bad image: the task fails and Spark
     *         retries it)
     */
    List<CaptionOutcome> await();
}
