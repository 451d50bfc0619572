package dvlcap.model;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a chat, as a chat template sees it: {@code content} is either a string or, as Hugging Face
 * processors pass multimodal turns, a list of parts ({@code {"type": "image"}}, {@code {"type": "text",
 * "text": ...}}) that the template itself turns into the model's image markers.
 *
 * @param content the text of a plain turn, or null when the turn is given as {@code parts}
 * @param parts the parts of a multimodal turn, or null for a plain turn
 */
public record ChatMessage(String role, String content, List<Part> parts) {

    /** One element of a multimodal turn's content list. */
    public sealed interface Part permits ImagePart, TextPart {
    }

    /** An image slot; the template writes the model's image markers for it. */
    public record ImagePart() implements Part {
    }

    public record TextPart(String text) implements Part {
        public TextPart {
            Objects.requireNonNull(text, "text");
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        if ((content == null) == (parts == null)) {
            throw new IllegalArgumentException("a chat turn has either text content or parts, not both or neither");
        }
        parts = parts == null ? null : List.copyOf(parts);
    }

    public ChatMessage(String role, String content) {
        this(role, Objects.requireNonNull(content, "content"), null);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** A user turn given as parts, e.g. {@code [image, text]} as Qwen2.5-VL's processor receives it. */
    public static ChatMessage user(List<Part> parts) {
        return new ChatMessage("user", null, Objects.requireNonNull(parts, "parts"));
    }

    public boolean hasParts() {
        return parts != null;
    }
}
