package dvlcap.decode;

/**
 * Decoding settings of one run. {@code blockSize} or {@code steps} of 0 mean "the model's block
 * size" and "as many steps as the block size". Temperature 0 is greedy. {@code subBlock > 0}
 * denoises each block one sub-block of that size at a time (Fast-dVLM's MDM mode, with
 * {@code threshold} as its τ); 0 is off.
 */
public record DecodingSettings(DecoderKind decoder, int blockSize, int steps, RemaskingKind remasking,
                               float threshold, int maxNewTokens, float temperature, int topK, float topP,
                               long seed, int subBlock) implements java.io.Serializable {

    /** Settings without sub-block denoising. */
    public DecodingSettings(DecoderKind decoder, int blockSize, int steps, RemaskingKind remasking, float threshold,
                            int maxNewTokens, float temperature, int topK, float topP, long seed) {
        this(decoder, blockSize, steps, remasking, threshold, maxNewTokens, temperature, topK, topP, seed, 0);
    }

    public static final float DEFAULT_THRESHOLD = 0.85f;

    public DecodingSettings {
        check(blockSize >= 0, "--block-size must be >= 1, got " + blockSize);
        check(steps >= 0, "--steps must be >= 1, got " + steps);
        check(maxNewTokens >= 1, "--max-new-tokens must be >= 1, got " + maxNewTokens);
        check(temperature >= 0, "--temperature must be >= 0, got " + temperature);
        check(topK >= 0, "--top-k must be >= 0 (0 = off), got " + topK);
        check(topP > 0 && topP <= 1, "--top-p must be in (0, 1], got " + topP);
        check(!Float.isNaN(threshold), "--threshold must be a number");
        check(subBlock >= 0, "--sub-block must be >= 1 (0 = off), got " + subBlock);
    }

    public static DecodingSettings defaults() {
        return new DecodingSettings(DecoderKind.BLOCK, 0, 0, RemaskingKind.DYNAMIC, DEFAULT_THRESHOLD, 128,
                0f, 0, 1f, 0L);
    }

    public boolean greedy() {
        return temperature == 0f;
    }

    public DecodingSettings withDecoder(DecoderKind d) {
        return new DecodingSettings(d, blockSize, steps, remasking, threshold, maxNewTokens, temperature, topK, topP, seed,
                subBlock);
    }

    public DecodingSettings withBlock(int b, int s) {
        return new DecodingSettings(decoder, b, s, remasking, threshold, maxNewTokens, temperature, topK, topP, seed,
                subBlock);
    }

    public DecodingSettings withRemasking(RemaskingKind r, float tau) {
        return new DecodingSettings(decoder, blockSize, steps, r, tau, maxNewTokens, temperature, topK, topP, seed,
                subBlock);
    }

    public DecodingSettings withMaxNewTokens(int n) {
        return new DecodingSettings(decoder, blockSize, steps, remasking, threshold, n, temperature, topK, topP, seed,
                subBlock);
    }

    public DecodingSettings withSampling(float temp, int k, float p, long s) {
        return new DecodingSettings(decoder, blockSize, steps, remasking, threshold, maxNewTokens, temp, k, p, s,
                subBlock);
    }

    /** The same settings denoising sub-blocks of {@code n} (0 = off) with threshold {@code tau}. */
    public DecodingSettings withSubBlock(int n, float tau) {
        return new DecodingSettings(decoder, blockSize, steps, remasking, tau, maxNewTokens, temperature, topK, topP,
                seed, n);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
