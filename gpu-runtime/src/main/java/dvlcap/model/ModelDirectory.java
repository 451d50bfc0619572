package dvlcap.model;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An opened Hugging Face model directory: config, weights, tokenizer, chat template and the path of
 * the image preprocessor's config. Closing it releases the weights' file handles and the tokenizer.
 * Whether the weights' shapes agree with the config is checked by the model loader, against
 * {@link CheckpointLayout}.
 */
public final class ModelDirectory implements AutoCloseable {
    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String PREPROCESSOR_CONFIG = "preprocessor_config.json";

    private final Path dir;
    private final ModelConfig config;
    private final WeightSource weights;
    private final TextTokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final Path preprocessorConfig;

    private ModelDirectory(Path dir, ModelConfig config, WeightSource weights, TextTokenizer tokenizer,
                           ChatTemplate chatTemplate, Path preprocessorConfig) {
        this.dir = dir;
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
        this.preprocessorConfig = preprocessorConfig;
    }

    public static ModelDirectory open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFileException(dir, null, "model directory does not exist");
        }
        Path configFile = require(dir, CONFIG);
        Path tokenizerFile = require(dir, TOKENIZER);
        // Optional: LLaVA's SigLIP tower has fixed settings of its own (the preprocessing decides, per family).
        Path preprocessor = dir.resolve(PREPROCESSOR_CONFIG);
        ModelConfig config = ModelConfigReader.read(configFile);
        ChatTemplate template = ChatTemplate.load(dir);
        WeightSource weights = WeightSources.open(dir);
        try {
            TextTokenizer tokenizer = TextTokenizer.load(tokenizerFile);
            return new ModelDirectory(dir, config, weights, tokenizer, template, preprocessor);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static Path require(Path dir, String name) {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new ModelFileException(p, null, "missing from the model directory");
        }
        return p;
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    public WeightSource weights() {
        return weights;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    /**
     * Where {@code preprocessor_config.json} is, read by the image preprocessing; the file may be
     * absent (see {@link dvlcap.image.VisionPreprocessors}).
     */
    public Path preprocessorConfig() {
        return preprocessorConfig;
    }

    /** The caption prompt built from this model's template, tokenizer and decoding defaults. */
    public CaptionPrompt captionPrompt() {
        return new CaptionPrompt(tokenizer, chatTemplate, config.decoding());
    }

    @Override
    public void close() {
        try {
            weights.close();
        } finally {
            tokenizer.close();
        }
    }
}
