package dvlcap.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The models shipped in the project's {@code models/} folder, found through the {@code dvlcap.home}
 * system property that {@code bin/dvlcap} sets. Commands use the block-diffusion one when no
 * {@code --model} is given.
 */
public final class EmbeddedModels {
    /** The default model: the tiny dVLM translated from the AR model by block-diffusion finetuning. */
    public static final String DEFAULT = "shapes-dvlm";

    private EmbeddedModels() {
    }

    /** {@code models/NAME} under the project home, if the home is known and the directory exists. */
    public static Optional<Path> find(String name) {
        String home = System.getProperty("dvlcap.home");
        if (home == null) {
            return Optional.empty();
        }
        Path dir = Path.of(home, "models", name);
        return Files.isRegularFile(dir.resolve("config.json")) ? Optional.of(dir) : Optional.empty();
    }

    /** The model a command uses when none is given, or an explanation of why there is none. */
    public static Path defaultModel() {
        return find(DEFAULT).orElseThrow(() -> new IllegalArgumentException(
                "no --model given and the embedded model models/" + DEFAULT + " was not found"
                        + (System.getProperty("dvlcap.home") == null ? " (run through bin/dvlcap, or pass --model DIR)"
                        : " under " + System.getProperty("dvlcap.home"))));
    }
}
