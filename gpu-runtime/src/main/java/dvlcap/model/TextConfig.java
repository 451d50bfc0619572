package dvlcap.model;

/** The Qwen2 language model's shape, as in a Hugging Face {@code Qwen2Config}. */
public record TextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                         int numKvHeads, int headDim, float rmsNormEps, float ropeTheta,
                         int maxPositionEmbeddings, boolean tieWordEmbeddings) {

    public TextConfig {
        require(vocabSize > 0, "vocab_size must be positive");
        require(hiddenSize > 0 && numLayers > 0 && numHeads > 0 && numKvHeads > 0, "sizes must be positive");
        require(numHeads % numKvHeads == 0, "num_attention_heads (" + numHeads
                + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
        require(headDim % 2 == 0, "head_dim must be even for rotary embeddings, got " + headDim);
    }

    public int qDim() {
        return numHeads * headDim;
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
