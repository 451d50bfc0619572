package dvlcap.model;

import dvlcap.testing.TinyCheckpoints;
import dvlcap.testing.TinyCheckpoints.Spec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptionPromptTest {
    static final Spec SPEC = Spec.tiny(3);
    @TempDir
    static Path dir;
    static TextTokenizer tok;
    static ChatTemplate template;

    @BeforeAll
    static void setUp() {
        new WordLevelTokenizerWriter(SPEC.words()).specials(WordLevelTokenizerWriter.qwenSpecials(SPEC.words().size()))
                .write(dir);
        tok = TextTokenizer.load(dir.resolve("tokenizer.json"));
        template = ChatTemplate.load(dir);
    }

    @AfterAll
    static void tearDown() {
        tok.close();
    }

    /** The id of a word of the tiny vocabulary: its position in the list (an independent oracle). */
    private static int w(String word) {
        int i = SPEC.words().indexOf(word);
        assertTrue(i >= 0, word);
        return i;
    }

    private static DecodingDefaults defaults(String system, String prompt) {
        return new DecodingDefaults(SPEC.effectiveMaskId(), List.of(SPEC.imEndId()), 4, system, prompt, "<image>");
    }

    @Test
    void promptIsSplitAtTheImageIntoTokensBeforeAndAfter() {
        CaptionPrompt p = new CaptionPrompt(tok, template, defaults("You are a helpful assistant.",
                "Describe this image in detail."));
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n<image>\n"
                + "Describe this image in detail.<|im_end|>\n<|im_start|>assistant\n", p.render());
        PromptTokens t = p.tokens();
        int s = SPEC.imStartId();
        int e = SPEC.imEndId();
        assertArrayEquals(new int[] {s, w("system"), w("you"), w("are"), w("a"), w("helpful"), w("assistant"), w("."),
                e, s, w("user")}, t.before());
        assertArrayEquals(new int[] {w("describe"), w("this"), w("image"), w("in"), w("detail"), w("."), e, s,
                w("assistant")}, t.after());
        assertEquals(11 + 16 + 9, t.length(16));
    }

    @Test
    void userPromptOverridesTheCaptionPrompt() {
        CaptionPrompt p = new CaptionPrompt(tok, template, defaults("You are a helpful assistant.", "Describe."));
        int s = SPEC.imStartId();
        assertArrayEquals(new int[] {w("describe"), w("the"), w("dog"), w("."), SPEC.imEndId(), s, w("assistant")},
                p.tokens("Describe the dog.").after());
    }

    @Test
    void withoutSystemPromptTheTemplateDefaultSystemMessageIsUsed() {
        CaptionPrompt p = new CaptionPrompt(tok, template, defaults(null, "Describe."));
        assertTrue(p.render().startsWith("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\n<image>\nDescribe."), p.render());
    }

    @Test
    void placeholderInTheUserPromptIsRefused() {
        CaptionPrompt p = new CaptionPrompt(tok, template, defaults(null, "Describe."));
        assertThrows(IllegalArgumentException.class, () -> p.tokens("Look at <image> twice"));
    }

    @Test
    void templateThatLosesOrRepeatsThePlaceholderIsNamed() {
        ChatTemplate dropsContent = ChatTemplate.of("{% for m in messages %}{{ m.role }}{% endfor %}", null, null,
                Path.of("odd_template.jinja"));
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> new CaptionPrompt(tok, dropsContent, defaults(null, "x")).tokens());
        assertTrue(e.getMessage().contains("odd_template.jinja") && e.getMessage().contains("0 times"), e.getMessage());
        ChatTemplate twice = ChatTemplate.of("{% for m in messages %}{{ m.content }}{{ m.content }}{% endfor %}",
                null, null, Path.of("odd_template.jinja"));
        e = assertThrows(ModelFileException.class, () -> new CaptionPrompt(tok, twice, defaults(null, "x")).tokens());
        assertTrue(e.getMessage().contains("2 times"), e.getMessage());
    }
}
