package dvlcap.job;

/** The engine failed on a batch for a reason other than a bad image; the task fails and is retried. */
public final class CaptioningException extends RuntimeException {

    public CaptioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
