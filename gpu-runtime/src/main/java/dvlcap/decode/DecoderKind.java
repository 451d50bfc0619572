package dvlcap.decode;

/** How answer tokens are produced. */
public enum DecoderKind {
    /** Block diffusion: a block of masks denoised in parallel over several steps. */
    BLOCK,
    /** One token per forward, causally: the baseline every speed figure is measured against. */
    AR,
    /**
     * Fast-dVLM's speculative block decoding: a bidirectional draft of a block, verified by a causal
     * forward; greedy, and equal to the model's AR answer. Needs a model trained with the causal-LM loss.
     */
    SPECULATIVE;

    /**
     * Speculative decoding's tokens accepted per draft + verify step, the correction included:
     * every token of a caption but its first (the prefill's) came from a verify step. Null for the
     * other decoders, which have no verify step, and when no step ran.
     *
     * @param tokens   the tokens of the captions that ran at least one verify step
     * @param captions how many captions those are
     * @param verifies their verify steps (the blocks they count)
     */
    public Double tokensPerVerify(long tokens, long captions, long verifies) {
        return this == SPECULATIVE && verifies > 0 ? (double) (tokens - captions) / verifies : null;
    }
}
