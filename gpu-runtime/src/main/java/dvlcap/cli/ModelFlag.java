package dvlcap.cli;

import dvlcap.model.EmbeddedModels;
import java.nio.file.Path;

/** {@code --model}: the model directory, the embedded models/shapes-dvlm when absent, for every command. */
public final class ModelFlag {
    public static final String NAME = "model";

    public static final String HELP = """
              --model DIR               model directory (default: the embedded models/%s)
            """.formatted(EmbeddedModels.DEFAULT);

    private ModelFlag() {
    }

    /** A local model directory. */
    public static Path path(Args a) {
        return Path.of(location(a));
    }

    /** The model as given (a local path or, for the Spark job, a Hadoop URI), else the embedded default. */
    public static String location(Args a) {
        String v = a.string(NAME, null);
        if (v != null) {
            if (v.isBlank()) {
                throw new Args.UsageException("--" + NAME + " needs a directory, got ''");
            }
            return v;
        }
        try {
            return EmbeddedModels.defaultModel().toString();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }
}
