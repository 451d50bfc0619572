package dvlcap.model;

/**
 * A caption prompt split at the image: the LM input is embed(before) ++ image features ++ embed(after).
 */
public record PromptTokens(int[] before, int[] after) {

    public PromptTokens {
        before = before.clone();
        after = after.clone();
    }

    @Override
    public int[] before() {
        return before.clone();
    }

    @Override
    public int[] after() {
        return after.clone();
    }

    /** Prompt length in LM positions once {@code imageTokens} image features are spliced in. */
    public int length(int imageTokens) {
        return before.length + imageTokens + after.length;
    }
}
