package dvlcap.job;

import dvlcap.image.VisionInput;

/**
 * One image of a batch: decoded and preprocessed on a task thread, or the reason it could not be.
 *
 * @param image the preprocessed image, null exactly when {@code error} is set
 */
public record PreparedImage(String id, VisionInput image, String error) {

    public PreparedImage {
        if ((image == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of image and error must be set for " + id);
        }
    }

    public static PreparedImage ok(String id, VisionInput image) {
        return new PreparedImage(id, image, null);
    }

    public static PreparedImage failed(String id, String error) {
        return new PreparedImage(id, null, error);
    }
}
