package dvlcap.decode;

/** Turns a forward's outcome for one row into a token and its confidence: greedy or sampled. */
final class TokenChooser {
    private final Sampler sampler; // null: greedy

    TokenChooser(Sampler sampler) {
        this.sampler = sampler;
    }

    boolean needsLogits() {
        return sampler != null;
    }

    /** Writes the choice for row {@code r} into {@code token[r]} / {@code conf[r]}. */
    void choose(int r, int[] ids, float[] confidence, float[] logits, int vocab, int[] token, float[] conf, int into) {
        if (sampler == null) {
            token[into] = ids[r];
            conf[into] = confidence[r];
        } else {
            Sampler.Draw d = sampler.draw(logits, r * vocab, vocab);
            token[into] = d.token();
            conf[into] = d.probability();
        }
    }
}
