package dvlcap.model;

import java.nio.file.Path;

/** A model file that cannot be used: the message names the file and, where there is one, the tensor. */
public class ModelFileException extends RuntimeException {
    private final Path file;
    private final String tensor;

    public ModelFileException(Path file, String tensor, String message) {
        this(file, tensor, message, null);
    }

    public ModelFileException(Path file, String tensor, String message, Throwable cause) {
        super(file + (tensor == null ? "" : ", tensor '" + tensor + "'") + ": " + message, cause);
        this.file = file;
        this.tensor = tensor;
    }

    public Path file() {
        return file;
    }

    /** The tensor at fault, or null when the fault is the file's. */
    public String tensor() {
        return tensor;
    }
}
