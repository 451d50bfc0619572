package dvlcap.decode;

/**
 * A sequence's share of the next forward: input ids for positions {@code pos0 ..} (negative ids
 * are image rows; {@code imageRow0} is the first image row they contain), the mask block, and
 * which of these rows need logits.
 */
public record Work(int pos0, int[] ids, int maskBlock, int[] logitRows, int imageRow0) {
}
