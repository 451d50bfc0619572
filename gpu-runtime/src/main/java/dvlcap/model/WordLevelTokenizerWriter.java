package dvlcap.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a word-level Hugging Face tokenizer ({@code tokenizer.json} + {@code tokenizer_config.json})
 * for small trained models: words split at whitespace and punctuation, optionally lower-cased, Qwen
 * style special tokens, a decoder that joins words with spaces (and drops the space before
 * punctuation), and a Qwen-format chat template.
 */
public final class WordLevelTokenizerWriter {
    /**
     * Qwen chat format: {@code <|im_start|>role\ncontent<|im_end|>\n} per message, a default system
     * message when the chat does not start with one, and {@code <|im_start|>assistant\n} as the
     * generation prompt.
     */
    public static final String QWEN_STYLE_TEMPLATE = String.join("\n",
            "{#- Qwen chat format, written for dvlcap -#}",
            "{%- for message in messages -%}",
            "  {%- if loop.first and message['role'] != 'system' -%}",
            "    {{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' -}}",
            "  {%- endif -%}",
            "  {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}",
            "{%- endfor -%}",
            "{%- if add_generation_prompt -%}",
            "  {{- '<|im_start|>assistant\\n' -}}",
            "{%- endif -%}",
            "");

    public static final String ENDOFTEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final String IMAGE = "<image>";
    public static final String MASK = "<|mask|>";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> words;
    private final Map<String, Integer> specials = new LinkedHashMap<>();
    private String unkToken = "<unk>";
    private boolean lowercase = true;
    private String eosToken = IM_END;
    private String padToken = ENDOFTEXT;
    private String chatTemplate = QWEN_STYLE_TEMPLATE;

    /** Word {@code i} of the list gets id {@code i}; the list must contain the unknown-word token. */
    public WordLevelTokenizerWriter(List<String> words) {
        this.words = List.copyOf(words);
    }

    /** The five Qwen-style special tokens with ids {@code firstId, firstId+1, ...}. */
    public static Map<String, Integer> qwenSpecials(int firstId) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String s : List.of(ENDOFTEXT, IM_START, IM_END, IMAGE, MASK)) {
            m.put(s, firstId + m.size());
        }
        return m;
    }

    public WordLevelTokenizerWriter special(String token, int id) {
        specials.put(token, id);
        return this;
    }

    public WordLevelTokenizerWriter specials(Map<String, Integer> tokens) {
        specials.putAll(tokens);
        return this;
    }

    public WordLevelTokenizerWriter unkToken(String token) {
        this.unkToken = token;
        return this;
    }

    public WordLevelTokenizerWriter lowercase(boolean on) {
        this.lowercase = on;
        return this;
    }

    public WordLevelTokenizerWriter eosToken(String token) {
        this.eosToken = token;
        return this;
    }

    public WordLevelTokenizerWriter padToken(String token) {
        this.padToken = token;
        return this;
    }

    public WordLevelTokenizerWriter chatTemplate(String template) {
        this.chatTemplate = template;
        return this;
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
    public void write(Path dir) {
        validate();
        try {
            SafetensorsWriter.writeAtomically(dir.resolve("tokenizer.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tokenizerJson()));
            SafetensorsWriter.writeAtomically(dir.resolve(ChatTemplate.TOKENIZER_CONFIG),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tokenizerConfig()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tokenizer files to " + dir, e);
        }
    }

    private void validate() {
        Set<String> seen = new HashSet<>();
        for (String w : words) {
            if (w.isEmpty() || w.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("word '" + w + "' is empty or holds whitespace");
            }
            if (lowercase && !w.equals(w.toLowerCase(java.util.Locale.ROOT)) && !w.equals(unkToken)) {
                throw new IllegalArgumentException("word '" + w + "' has upper case but the tokenizer lower-cases");
            }
            if (!seen.add(w)) {
                throw new IllegalArgumentException("word '" + w + "' listed twice");
            }
        }
        if (!seen.contains(unkToken)) {
            throw new IllegalArgumentException("the unknown-word token '" + unkToken + "' is not among the words");
        }
        Set<Integer> ids = new HashSet<>();
        for (Map.Entry<String, Integer> s : specials.entrySet()) {
            if (s.getValue() < words.size() || !ids.add(s.getValue())) {
                throw new IllegalArgumentException("special token " + s.getKey() + " id " + s.getValue()
                        + " collides with a word or another special token");
            }
            if (seen.contains(s.getKey())) {
                throw new IllegalArgumentException("special token " + s.getKey() + " is also a word");
            }
        }
        for (String t : new String[] {eosToken, padToken}) {
            if (t != null && !specials.containsKey(t)) {
                throw new IllegalArgumentException("token " + t + " is not a special token");
            }
        }
    }

    private ObjectNode tokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        specials.forEach((content, id) -> {
            ObjectNode t = added.addObject();
            t.put("id", id);
            t.put("content", content);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false); // matched in the raw text, before lower-casing
            t.put("special", true);
        });
        if (lowercase) {
            root.putObject("normalizer").put("type", "Lowercase");
        } else {
            root.putNull("normalizer");
        }
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode seq = pre.putArray("pretokenizers");
        seq.addObject().put("type", "WhitespaceSplit");
        seq.addObject().put("type", "Punctuation").put("behavior", "Isolated");
        root.putNull("post_processor");
        // The WordPiece decoder puts a space before every token without the (never used) "##" prefix,
        // and its cleanup removes the space before . , ? ! (token by token), so decode() gives "a dog, on grass."
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "WordPiece");
        dec.put("prefix", "##");
        dec.put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < words.size(); i++) {
            vocab.put(words.get(i), i);
        }
        specials.forEach(vocab::put);
        model.put("unk_token", unkToken);
        return root;
    }

    private ObjectNode tokenizerConfig() {
        ObjectNode c = JSON.createObjectNode();
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        c.put("add_bos_token", false);
        c.put("add_eos_token", false);
        c.putNull("bos_token");
        c.put("eos_token", eosToken);
        c.put("pad_token", padToken);
        c.put("unk_token", unkToken);
        c.put("model_max_length", 32768);
        c.put("clean_up_tokenization_spaces", true);
        ObjectNode decoder = c.putObject("added_tokens_decoder");
        specials.forEach((content, id) -> {
            ObjectNode t = decoder.putObject(String.valueOf(id));
            t.put("content", content);
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
        });
        c.put("chat_template", chatTemplate);
        return c;
    }
}
