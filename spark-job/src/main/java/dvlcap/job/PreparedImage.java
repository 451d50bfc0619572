package dvlcap.job;

/**
 * One row of an image batch: an image decoded and preprocessed on a task thread, or the reason it
 * could not be.
 *
 * @param pixels preprocessed pixels, null exactly when {@code error} is set
 */
public record PreparedImage(String id, float[] pixels, String error) {

    public PreparedImage {
        if ((pixels == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of pixels and error must be set for " + id);
        }
    }

    public static PreparedImage ok(String id, float[] pixels) {
        return new PreparedImage(id, pixels, null);
    }

    public static PreparedImage failed(String id, String error) {
        return new PreparedImage(id, null, error);
    }
}
