package dvlcap.inspect;

import dvlcap.model.ModelFileException;

import java.nio.file.Path;

/**
 * Something in a model directory the engine cannot run, with the reason.
 *
 * @param file the file at fault
 * @param key the config key or tensor, or null when the reason names it or the fault is the file's
 * @param reason what is wrong and what is supported instead
 */
public record Unsupported(Path file, String key, String reason) {

    static Unsupported of(ModelFileException e) {
        String prefix = e.file() + (e.tensor() == null ? "" : ", tensor '" + e.tensor() + "'") + ": ";
        String msg = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
        return new Unsupported(e.file(), e.tensor(), msg);
    }

    @Override
    public String toString() {
        return file + (key == null ? "" : ", " + key) + ": " + reason;
    }
}
