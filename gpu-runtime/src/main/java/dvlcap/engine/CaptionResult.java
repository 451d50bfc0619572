package dvlcap.engine;

/**
 * A finished caption: the text, the answer's token ids (cut at the first end-of-sequence), and
 * what it cost.
 */
public record CaptionResult(String id, String caption, int[] tokens, Counters counters) {
}
