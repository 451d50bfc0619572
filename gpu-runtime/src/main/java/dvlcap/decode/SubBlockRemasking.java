package dvlcap.decode;

/**
 * Fast-dVLM's sub-block denoising (its MDM mode): a large block is denoised one sub-block at a
 * time, left to right. A step unmasks every masked position of the first sub-block that still
 * has masks whose confidence exceeds the threshold, or, when none does, that sub-block's single
 * most confident position (ties to the lower position). The static count is not used.
 */
public final class SubBlockRemasking implements Remasking {
    private final int subBlock;
    private final float threshold;

    public SubBlockRemasking(int subBlock, float threshold) {
        if (subBlock < 1) {
            throw new IllegalArgumentException("--sub-block must be >= 1, got " + subBlock);
        }
        this.subBlock = subBlock;
        this.threshold = threshold;
    }

    public int subBlock() {
        return subBlock;
    }

    @Override
    public boolean[] select(float[] confidence, boolean[] masked, int k) {
        boolean[] chosen = new boolean[masked.length];
        int first = 0;
        while (first < masked.length && !masked[first]) {
            first++;
        }
        if (first == masked.length) {
            return chosen;
        }
        int start = first / subBlock * subBlock, end = Math.min(masked.length, start + subBlock);
        int best = -1;
        boolean any = false;
        for (int i = start; i < end; i++) {
            if (!masked[i]) {
                continue;
            }
            if (confidence[i] > threshold) {
                chosen[i] = true;
                any = true;
            }
            if (best < 0 || confidence[i] > confidence[best]) {
                best = i;
            }
        }
        if (!any) {
            chosen[best] = true;
        }
        return chosen;
    }
}
