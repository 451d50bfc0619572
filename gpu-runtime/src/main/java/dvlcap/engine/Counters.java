package dvlcap.engine;

/**
 * What one caption cost. {@code forwardPasses} counts the engine forwards this sequence took part
 * in after prefill (each forward may carry many sequences).
 */
public record Counters(int generatedTokens, int blocks, int forwardPasses, double visionMs, double prefillMs,
                       double decodeMs) {

    public double tokensPerForward() {
        return forwardPasses == 0 ? 0 : (double) generatedTokens / forwardPasses;
    }
}
