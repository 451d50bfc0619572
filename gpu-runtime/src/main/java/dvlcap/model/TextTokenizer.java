package dvlcap.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Hugging Face {@code tokenizer.json}, run by the {@code tokenizers} library itself through DJL's
 * binding so that ids match the reference exactly. Works offline: the binding's native library is
 * extracted from its jar into DJL's cache dir ({@code ~/.djl.ai}, or {@code DJL_CACHE_DIR}).
 */
public final class TextTokenizer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // On a machine with CUDA, DJL would otherwise pick a CUDA build of libtokenizers, which is not
        // in the jar, and try to download it. Tokenizing needs no GPU: always use the bundled CPU build.
        if (System.getenv("RUST_FLAVOR") == null && System.getProperty("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
    }

    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> vocab;
    private boolean closed;

    private TextTokenizer(Path file, HuggingFaceTokenizer tokenizer, Map<String, Integer> vocab) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.vocab = vocab;
    }

    public static TextTokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new ModelFileException(tokenizerJson, null, "tokenizer file does not exist");
        }
        Map<String, Integer> vocab = readVocab(tokenizerJson);
        // Special tokens are added by our chat template, never by the tokenizer; nothing is cut or padded.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
                "padding", "false", "withOverflowingTokens", "false");
        try {
            return new TextTokenizer(tokenizerJson, HuggingFaceTokenizer.newInstance(tokenizerJson, options), vocab);
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            throw new ModelFileException(tokenizerJson, null, "cannot load tokenizer: " + e, e);
        }
    }

    /** token text to id, from the added tokens and the model's vocabulary (what {@code token_to_id} sees). */
    private static Map<String, Integer> readVocab(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFileException(file, null, "not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(file, null, "not a JSON object");
        }
        Map<String, Integer> out = new HashMap<>();
        JsonNode v = root.path("model").path("vocab");
        if (v.isObject()) {
            v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
        } else if (v.isArray()) { // Unigram: [[piece, score], ...], the id is the position
            for (int i = 0; i < v.size(); i++) {
                out.put(v.get(i).path(0).asText(), i);
            }
        }
        for (JsonNode t : root.path("added_tokens")) {
            out.put(t.path("content").asText(), t.path("id").asInt());
        }
        return out;
    }

    public Path file() {
        return file;
    }

    /** Token ids of the text, with no special tokens added; special tokens written in the text are kept. */
    public int[] encode(String text) {
        check();
        try {
            Encoding enc = tokenizer.encode(text, false, false);
            long[] ids = enc.getIds();
            int[] out = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                out[i] = Math.toIntExact(ids[i]);
            }
            return out;
        } catch (RuntimeException e) {
            throw new ModelFileException(file, null, "cannot encode text: " + e, e);
        }
    }

    /** Text of the ids with special tokens skipped. */
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    public String decode(int[] ids, boolean skipSpecialTokens) {
        check();
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        try {
            return tokenizer.decode(l, skipSpecialTokens);
        } catch (RuntimeException e) {
            throw new ModelFileException(file, null, "cannot decode ids: " + e, e);
        }
    }

    /** The id of a token (e.g. {@code <|im_end|>}), if the tokenizer has it. */
    public OptionalInt tokenId(String token) {
        Integer id = vocab.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The token text of an id (a vocabulary entry or an added token), if the tokenizer has one. */
    public java.util.Optional<String> token(int id) {
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getValue() == id) {
                return java.util.Optional.of(e.getKey());
            }
        }
        return java.util.Optional.empty();
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("tokenizer " + file + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            tokenizer.close();
        }
    }
}
