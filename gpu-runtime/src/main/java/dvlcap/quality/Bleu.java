package dvlcap.quality;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus-level BLEU-1..4 with the COCO caption evaluation's definitions.
 *
 * <ul>
 *   <li>Clipped matches: a hypothesis n-gram counts at most as often as it occurs in the
 *       single reference where it occurs most; matches and hypothesis n-gram totals are
 *       summed over the corpus before dividing.</li>
 *   <li>Effective reference length: per image, the reference length closest to the
 *       hypothesis length (the shorter one on a tie), summed over the corpus.</li>
 *   <li>BLEU-n = BP * (p_1 * ... * p_n)^(1/n), BP = exp(1 - r/c) when c &lt; r, else 1.</li>
 *   <li>As in COCO, every p_k is computed as (matches + 1e-15) / (total + 1e-9), so a zero
 *       precision yields a tiny positive score rather than a division by zero.</li>
 * </ul>
 */
public final class Bleu {

    static final int MAX_N = 4;
    private static final double TINY = 1e-15;
    private static final double SMALL = 1e-9;

    private Bleu() {
    }

    /** Returns BLEU-1..4 (index 0..3) for tokenized hypotheses and their references. */
    public static double[] score(List<List<String>> hypotheses, List<List<List<String>>> references) {
        long hypLength = 0;
        long refLength = 0;
        long[] matches = new long[MAX_N];
        long[] totals = new long[MAX_N];
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> hyp = hypotheses.get(i);
            List<List<String>> refs = references.get(i);
            hypLength += hyp.size();
            refLength += closestLength(hyp.size(), refs);
            for (int n = 1; n <= MAX_N; n++) {
                Map<String, Integer> maxRef = new HashMap<>();
                for (List<String> ref : refs) {
                    NGrams.count(ref, n).forEach((g, c) -> maxRef.merge(g, c, Math::max));
                }
                for (Map.Entry<String, Integer> e : NGrams.count(hyp, n).entrySet()) {
                    matches[n - 1] += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
                }
                totals[n - 1] += Math.max(0, hyp.size() - n + 1);
            }
        }
        double ratio = (hypLength + TINY) / (refLength + SMALL);
        double brevity = ratio < 1 ? Math.exp(1 - 1 / ratio) : 1.0;
        double[] bleu = new double[MAX_N];
        double product = 1.0;
        for (int k = 0; k < MAX_N; k++) {
            product *= (matches[k] + TINY) / (totals[k] + SMALL);
            bleu[k] = Math.pow(product, 1.0 / (k + 1)) * brevity;
        }
        return bleu;
    }

    /** The reference length closest to {@code length}; ties go to the shorter reference. */
    static int closestLength(int length, List<List<String>> refs) {
        int best = -1;
        for (List<String> ref : refs) {
            int r = ref.size();
            if (best < 0 || Math.abs(r - length) < Math.abs(best - length)
                    || (Math.abs(r - length) == Math.abs(best - length) && r < best)) {
                best = r;
            }
        }
        return Math.max(best, 0);
    }
}
