package dvlcap.job;

/** A command line that cannot be run; the message says what is allowed. */
public final class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }
}
