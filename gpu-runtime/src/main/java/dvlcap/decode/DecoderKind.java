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
    SPECULATIVE
}
