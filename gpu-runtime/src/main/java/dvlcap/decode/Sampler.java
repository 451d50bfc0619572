package dvlcap.decode;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws a token from one row of logits with temperature, top-k and top-p, and reports the drawn
 * token's probability under that modified distribution (its confidence). Each sequence owns one,
 * seeded from the run seed and the image id, so draws do not depend on batch neighbours.
 */
public final class Sampler {
    private final float temperature;
    private final int topK;
    private final float topP;
    private final SplittableRandom random;

    public Sampler(float temperature, int topK, float topP, long seed, String id) {
        if (temperature <= 0) {
            throw new IllegalArgumentException("sampling needs a temperature > 0");
        }
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ id.hashCode() * 0xC2B2AE3D27D4EB4FL
                ^ stringHash(id));
    }

    private static long stringHash(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    /** A draw: the token and its probability under the modified distribution. */
    public record Draw(int token, float probability) {
    }

    public Draw draw(float[] logits, int offset, int vocab) {
        Integer[] order = null;
        double[] p = new double[vocab];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i] / temperature);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            p[i] = Math.exp(logits[offset + i] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < vocab; i++) {
            p[i] /= sum;
        }
        boolean[] keep = new boolean[vocab];
        Arrays.fill(keep, true);
        if (topK > 0 && topK < vocab || topP < 1f) {
            order = new Integer[vocab];
            for (int i = 0; i < vocab; i++) {
                order[i] = i;
            }
            final double[] probs = p;
            Arrays.sort(order, (a, b) -> probs[b] != probs[a] ? Double.compare(probs[b], probs[a]) : Integer.compare(a, b));
            Arrays.fill(keep, false);
            double cumulative = 0;
            int limit = topK > 0 ? Math.min(topK, vocab) : vocab;
            for (int r = 0; r < limit; r++) {
                keep[order[r]] = true;
                cumulative += p[order[r]];
                // top-p keeps the smallest prefix whose mass reaches p (at least one token)
                if (cumulative >= topP) {
                    break;
                }
            }
        }
        double kept = 0;
        for (int i = 0; i < vocab; i++) {
            if (keep[i]) {
                kept += p[i];
            }
        }
        double u = random.nextDouble() * kept, acc = 0;
        int token = -1;
        for (int i = 0; i < vocab; i++) {
            if (keep[i]) {
                acc += p[i];
                token = i;
                if (acc > u) {
                    break;
                }
            }
        }
        return new Draw(token, (float) (p[token] / kept));
    }
}
