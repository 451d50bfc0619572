package dvlcap.quality;

import java.util.List;

/**
 * ROUGE-L as the COCO caption evaluation computes it: per image, the longest common
 * subsequence (LCS) with each reference gives precision LCS/|hyp| and recall LCS/|ref|;
 * the maxima over the references, P and R, combine to
 * F = (1 + beta^2) P R / (R + beta^2 P) with beta = 1.2; the corpus score is the mean over
 * images.
 */
public final class RougeL {

    static final double BETA = 1.2;

    private RougeL() {
    }

    /** Mean ROUGE-L over the images. */
    public static double score(List<List<String>> hypotheses, List<List<List<String>>> references) {
        if (hypotheses.isEmpty()) {
            return 0.0;
        }
        double sum = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            sum += imageScore(hypotheses.get(i), references.get(i));
        }
        return sum / hypotheses.size();
    }

    /** ROUGE-L of one hypothesis against its references. */
    public static double imageScore(List<String> hyp, List<List<String>> refs) {
        double precision = 0;
        double recall = 0;
        for (List<String> ref : refs) {
            int lcs = lcs(hyp, ref);
            if (!hyp.isEmpty()) {
                precision = Math.max(precision, (double) lcs / hyp.size());
            }
            if (!ref.isEmpty()) {
                recall = Math.max(recall, (double) lcs / ref.size());
            }
        }
        if (precision == 0 || recall == 0) {
            return 0.0;
        }
        double b2 = BETA * BETA;
        return (1 + b2) * precision * recall / (recall + b2 * precision);
    }

    /** Length of the longest common subsequence, by dynamic programming over one row. */
    static int lcs(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = a.get(i - 1).equals(b.get(j - 1))
                        ? prev[j - 1] + 1
                        : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }
}
