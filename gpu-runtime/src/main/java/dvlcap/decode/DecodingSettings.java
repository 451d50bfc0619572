package dvlcap.decode;

/**
 * Decoding settings of one run. {@code blockSize} or {@code steps} of 0 mean "the model's block
 * size" and "as many steps as the block size". Temperature 0 is greedy.
 */
public record DecodingSettings(DecoderKind decoder, int blockSize, int steps, RemaskingKind remasking,
                               float threshold, int maxNewTokens, float temperature, int topK, float topP,
                               long seed) {

    public static final float DEFAULT_THRESHOLD = 0.85f;

    public DecodingSettings {
        check(blockSize >= 0, "--block-size must be >= 1, got " + blockSize);
        check(steps >= 0, "--steps must be >= 1, got " + steps);
        check(maxNewTokens >= 1, "--max-new-tokens must be >= 1, got " + maxNewTokens);
        check(temperature >= 0, "--temperature must be >= 0, got " + temperature);
        check(topK >= 0, "--top-k must be >= 0 (0 = off), got " + topK);
        check(topP > 0 && topP <= 1, "--top-p must be in (0, 1], got " + topP);
        check(!Float.isNaN(threshold), "--threshold must be a number");
    }

    public static DecodingSettings defaults() {
        return new DecodingSettings(DecoderKind.BLOCK, 0, 0, RemaskingKind.DYNAMIC, DEFAULT_THRESHOLD, 128,
                0f, 0, 1f, 0L);
    }

    public boolean greedy() {
        return temperature == 0f;
    }

    public DecodingSettings withDecoder(DecoderKind d) {
        return new DecodingSettings(d, blockSize, steps, remasking, threshold, maxNewTokens, temperature, topK, topP, seed);
    }

    public DecodingSettings withBlock(int b, int s) {
        return new DecodingSettings(decoder, b, s, remasking, threshold, maxNewTokens, temperature, topK, topP, seed);
    }

    public DecodingSettings withRemasking(RemaskingKind r, float tau) {
        return new DecodingSettings(decoder, blockSize, steps, r, tau, maxNewTokens, temperature, topK, topP, seed);
    }

    public DecodingSettings withMaxNewTokens(int n) {
        return new DecodingSettings(decoder, blockSize, steps, remasking, threshold, n, temperature, topK, topP, seed);
    }

    public DecodingSettings withSampling(float temp, int k, float p, long s) {
        return new DecodingSettings(decoder, blockSize, steps, remasking, threshold, maxNewTokens, temp, k, p, s);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
