package dvlcap.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a model's caption prompt: [system (if the model has one), user: image markup + prompt]
 * through the model's chat template with the generation prompt, then tokenizes the text on either
 * side of the image placeholder separately (as LLaVA does), so no token ever straddles the image.
 */
public final class CaptionPrompt {
    private final TextTokenizer tokenizer;
    private final ChatTemplate template;
    private final DecodingDefaults defaults;

    public CaptionPrompt(TextTokenizer tokenizer, ChatTemplate template, DecodingDefaults defaults) {
        this.tokenizer = tokenizer;
        this.template = template;
        this.defaults = defaults;
    }

    /** The rendered chat text with the model's own caption prompt. */
    public String render() {
        return render(null);
    }

    /** The rendered chat text; a non-null {@code userPrompt} replaces the model's caption prompt. */
    public String render(String userPrompt) {
        String prompt = userPrompt != null ? userPrompt : defaults.captionPrompt();
        String placeholder = defaults.imagePlaceholder();
        if (prompt.contains(placeholder)) {
            throw new IllegalArgumentException("the prompt text must not contain the image placeholder '"
                    + placeholder + "': the image is placed before the prompt");
        }
        List<ChatMessage> chat = new ArrayList<>();
        if (defaults.systemPrompt() != null) {
            chat.add(ChatMessage.system(defaults.systemPrompt()));
        }
        chat.add(ChatMessage.user(defaults.imageMarkup() + prompt));
        return template.render(chat, true);
    }

    public PromptTokens tokens() {
        return tokens(null);
    }

    /** The prompt's tokens split at the image; a non-null {@code userPrompt} replaces the caption prompt. */
    public PromptTokens tokens(String userPrompt) {
        String text = render(userPrompt);
        String placeholder = defaults.imagePlaceholder();
        int at = text.indexOf(placeholder);
        int count = 0;
        for (int i = at; i >= 0; i = text.indexOf(placeholder, i + placeholder.length())) {
            count++;
        }
        if (count != 1) {
            throw new ModelFileException(template.source(), null, "the rendered caption prompt contains the image "
                    + "placeholder '" + placeholder + "' " + count + " times, expected exactly once: " + text);
        }
        return new PromptTokens(tokenizer.encode(text.substring(0, at)),
                tokenizer.encode(text.substring(at + placeholder.length())));
    }
}
