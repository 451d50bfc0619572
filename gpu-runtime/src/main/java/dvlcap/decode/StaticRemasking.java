package dvlcap.decode;

/** Unmasks the k most confident masked positions. */
public final class StaticRemasking implements Remasking {

    @Override
    public boolean[] select(float[] confidence, boolean[] masked, int k) {
        return topK(confidence, masked, Math.max(1, k));
    }

    /** The k most confident masked positions (fewer if fewer remain); ties to the lower position. */
    static boolean[] topK(float[] confidence, boolean[] masked, int k) {
        boolean[] chosen = new boolean[masked.length];
        for (int round = 0; round < k; round++) {
            int best = -1;
            for (int i = 0; i < masked.length; i++) {
                if (masked[i] && !chosen[i] && (best < 0 || confidence[i] > confidence[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            chosen[best] = true;
        }
        return chosen;
    }
}
