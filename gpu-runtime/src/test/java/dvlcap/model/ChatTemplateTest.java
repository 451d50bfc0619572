package dvlcap.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatTemplateTest {
    private static final Path SRC = Path.of("test-template");

    private static ChatTemplate qwen() {
        return ChatTemplate.of(WordLevelTokenizerWriter.QWEN_STYLE_TEMPLATE, null, "<|im_end|>", SRC);
    }

    @Test
    void qwenStyleTemplateRendersSystemUserAndGenerationPromptExactly() {
        String out = qwen().render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("<image>\nDescribe it.")),
                true);
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n"
                + "<|im_start|>user\n<image>\nDescribe it.<|im_end|>\n"
                + "<|im_start|>assistant\n", out);
    }

    @Test
    void qwenStyleTemplateAddsDefaultSystemMessageWhenChatStartsWithUser() {
        String out = qwen().render(List.of(ChatMessage.user("hi")), false);
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nhi<|im_end|>\n", out);
    }

    @Test
    void multiTurnChatKeepsEveryTurnInOrder() {
        String out = qwen().render(List.of(ChatMessage.system("s"), ChatMessage.user("u1"),
                ChatMessage.assistant("a1"), ChatMessage.user("u2")), true);
        assertEquals("<|im_start|>system\ns<|im_end|>\n<|im_start|>user\nu1<|im_end|>\n"
                + "<|im_start|>assistant\na1<|im_end|>\n<|im_start|>user\nu2<|im_end|>\n<|im_start|>assistant\n", out);
    }

    @Test
    void whitespaceControlAndTrimBlocksBehaveLikeHuggingFaceJinja() {
        // Hugging Face renders with trim_blocks and lstrip_blocks: the newline after a block tag goes,
        // indentation before a block tag goes; "-" trims all whitespace on its side; text stays as is.
        String t = "{% for m in messages %}\n"
                + "    {% if m.role == 'user' %}\n"
                + "[{{ m.content }}]\n"
                + "    {% endif %}\n"
                + "{% endfor %}\n"
                + "A  {{- ' B ' -}}  C\n"
                + "{{ eos_token }}|{{ bos_token is none }}|{{ tools is none }}\n";
        String out = ChatTemplate.of(t, null, "<E>", SRC).render(List.of(ChatMessage.user("x"),
                ChatMessage.assistant("y")), false);
        assertEquals("[x]\nA B C\n<E>|true|true", out);
    }

    @Test
    void generationPromptFlagReachesTheTemplate() {
        ChatTemplate t = ChatTemplate.of("{% if add_generation_prompt %}yes{% else %}no{% endif %}", null, null, SRC);
        assertEquals("yes", t.render(List.of(), true));
        assertEquals("no", t.render(List.of(), false));
    }

    @Test
    void raiseExceptionInTemplateIsAnErrorNamingTheSource() {
        ChatTemplate t = ChatTemplate.of("{{ raise_exception('roles must alternate') }}", null, null, SRC);
        ModelFileException e = assertThrows(ModelFileException.class, () -> t.render(List.of(), false));
        assertTrue(e.getMessage().contains("test-template"), e.getMessage());
        assertTrue(e.getMessage().contains("roles must alternate"), e.getMessage());
    }

    @Test
    void loadsTemplateStringFromTokenizerConfig(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"eos_token\": {\"content\": \"<|im_end|>\"}, \"chat_template\": \"{{ eos_token }}!\"}");
        ChatTemplate t = ChatTemplate.load(dir);
        assertEquals("<|im_end|>!", t.render(List.of(), false));
        assertEquals(dir.resolve("tokenizer_config.json"), t.source());
    }

    @Test
    void loadsDefaultFromListOfNamedTemplates(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": ["
                + "{\"name\": \"tool_use\", \"template\": \"T\"}, {\"name\": \"default\", \"template\": \"D\"}]}");
        assertEquals("D", ChatTemplate.load(dir).render(List.of(), false));
    }

    @Test
    void fallsBackToChatTemplateJinjaThenJson(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"E\"}");
        Files.writeString(dir.resolve("chat_template.json"), "{\"chat_template\": \"json{{ eos_token }}\"}");
        assertEquals("jsonE", ChatTemplate.load(dir).render(List.of(), false));
        Files.writeString(dir.resolve("chat_template.jinja"), "jinja{{ eos_token }}\n");
        assertEquals("jinjaE", ChatTemplate.load(dir).render(List.of(), false)); // trailing newline dropped
    }

    @Test
    void missingTemplateNamesTokenizerConfig(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"E\"}");
        ModelFileException e = assertThrows(ModelFileException.class, () -> ChatTemplate.load(dir));
        assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
        assertTrue(e.getMessage().contains("chat_template"), e.getMessage());
    }
}
