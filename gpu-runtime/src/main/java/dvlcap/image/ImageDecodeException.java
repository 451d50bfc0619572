package dvlcap.image;

/**
 * An input that cannot become an RGB image: corrupt, truncated, empty, not an image, too large, or of a
 * colour model we cannot read. Unchecked on purpose: decoding runs inside Spark lambdas and engine
 * queues where a checked exception only gets wrapped; callers that must go on (a bad image becomes an
 * error row) catch this one type, which is the only type {@link ImageDecoder#decode} throws.
 */
public class ImageDecodeException extends RuntimeException {
    private final String name;
    private final String format;
    private final String reason;

    public ImageDecodeException(String name, String format, String reason, Throwable cause) {
        super(message(name, format, reason, cause), cause);
        this.name = name;
        this.format = format;
        this.reason = reason;
    }

    public ImageDecodeException(String name, String format, String reason) {
        this(name, format, reason, null);
    }

    private static String message(String name, String format, String reason, Throwable cause) {
        StringBuilder sb = new StringBuilder();
        if (name != null) {
            sb.append(name).append(": ");
        }
        if (format != null) {
            sb.append(format.toUpperCase(java.util.Locale.ROOT)).append(" image ");
        }
        sb.append(reason);
        if (cause != null && cause.getMessage() != null && !reason.contains(cause.getMessage())) {
            sb.append(" (").append(cause.getMessage()).append(')');
        }
        return sb.toString();
    }

    /** The input's name as given to the decoder (a path or id), or null. */
    public String name() {
        return name;
    }

    /** The format the bytes claimed to be (e.g. {@code png}, {@code jpeg}), or null when not recognised. */
    public String format() {
        return format;
    }

    /** What is wrong, without the name and format. */
    public String reason() {
        return reason;
    }
}
