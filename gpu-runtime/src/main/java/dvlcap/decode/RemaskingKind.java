package dvlcap.decode;

/** Which masked positions a denoising step unmasks (DESIGN.md §3). */
public enum RemaskingKind {
    /** The k most confident, k from a schedule spreading B tokens over S steps. */
    STATIC,
    /** The static top-k together with every position whose confidence exceeds the threshold. */
    DYNAMIC
}
