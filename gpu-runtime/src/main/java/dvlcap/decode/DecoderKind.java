package dvlcap.decode;

/** How answer tokens are produced. */
public enum DecoderKind {
    /** Block diffusion: a block of masks denoised in parallel over several steps. */
    BLOCK,
    /** One token per forward, causally: the baseline every speed figure is measured against. */
    AR
}
