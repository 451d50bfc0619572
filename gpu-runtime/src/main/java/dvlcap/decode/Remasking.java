package dvlcap.decode;

/**
 * Low-confidence remasking: which still-masked positions of a block one denoising step unmasks.
 * Implementations are pure functions of their inputs (ties go to the lower position) so that
 * decoding is reproducible.
 */
public interface Remasking {

    /**
     * @param confidence confidence of each block position's candidate (meaningful where masked)
     * @param masked which positions are still masked
     * @param k the static schedule's count for this step (at least 1 while masks remain)
     * @return the positions to unmask; never empty while a mask remains
     */
    boolean[] select(float[] confidence, boolean[] masked, int k);

    static Remasking of(RemaskingKind kind, float threshold) {
        return kind == RemaskingKind.STATIC ? new StaticRemasking() : new DynamicRemasking(threshold);
    }
}
