package dvlcap.quality;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CIDEr-D with the COCO caption evaluation's definitions.
 *
 * <ul>
 *   <li>For n = 1..4 a caption is a TF-IDF vector over its n-grams: weight = count *
 *       (ln N - ln max(1, df)), where N is the number of images of the evaluated corpus and
 *       df the number of images whose references contain the n-gram. The IDF therefore
 *       comes from the references of this corpus only (a one-image corpus scores 0).</li>
 *   <li>Similarity with one reference, per n: sum over the hypothesis n-grams of
 *       min(w_hyp, w_ref) * w_ref (the "-D" clipping), divided by |w_hyp| |w_ref| (when both
 *       norms are non-zero), times the Gaussian length penalty exp(-d^2 / (2 sigma^2)),
 *       sigma = 6, where d is the difference of the two captions' lengths. As in COCO the
 *       length is the number of bigrams (tokens - 1, at least 0).</li>
 *   <li>Image score: 10 * the mean over the references of the mean over n of the
 *       similarity. Corpus score: mean over images.</li>
 * </ul>
 */
public final class CiderD {

    static final int MAX_N = 4;
    static final double SIGMA = 6.0;

    private CiderD() {
    }

    /** Mean CIDEr-D over the images; document frequencies come from {@code references}. */
    public static double score(List<List<String>> hypotheses, List<List<List<String>>> references) {
        double[] perImage = imageScores(hypotheses, references);
        double sum = 0;
        for (double s : perImage) {
            sum += s;
        }
        return perImage.length == 0 ? 0.0 : sum / perImage.length;
    }

    /** CIDEr-D per image, in input order. */
    public static double[] imageScores(List<List<String>> hypotheses, List<List<List<String>>> references) {
        int images = hypotheses.size();
        Map<String, Integer> df = documentFrequency(references);
        double logN = Math.log(Math.max(1, images));
        double[] scores = new double[images];
        for (int i = 0; i < images; i++) {
            Vector hyp = Vector.of(hypotheses.get(i), df, logN);
            List<List<String>> refs = references.get(i);
            double sum = 0;
            for (List<String> ref : refs) {
                sum += similarity(hyp, Vector.of(ref, df, logN));
            }
            scores[i] = refs.isEmpty() ? 0.0 : 10.0 * sum / refs.size();
        }
        return scores;
    }

    /** Mean over n of the clipped, normalised, length-penalised similarity. */
    private static double similarity(Vector hyp, Vector ref) {
        double delta = hyp.length - ref.length;
        double penalty = Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
        double total = 0;
        for (int n = 0; n < MAX_N; n++) {
            double dot = 0;
            for (Map.Entry<String, Double> e : hyp.weights.get(n).entrySet()) {
                Double r = ref.weights.get(n).get(e.getKey());
                if (r != null) {
                    dot += Math.min(e.getValue(), r) * r;
                }
            }
            if (hyp.norms[n] != 0 && ref.norms[n] != 0) {
                dot /= hyp.norms[n] * ref.norms[n];
            }
            total += dot * penalty;
        }
        return total / MAX_N;
    }

    /** Per n-gram, the number of images whose references (any of them) contain it. */
    static Map<String, Integer> documentFrequency(List<List<List<String>>> references) {
        Map<String, Integer> df = new HashMap<>();
        for (List<List<String>> refs : references) {
            Set<String> seen = new HashSet<>();
            for (List<String> ref : refs) {
                for (int n = 1; n <= MAX_N; n++) {
                    seen.addAll(NGrams.count(ref, n).keySet());
                }
            }
            seen.forEach(g -> df.merge(g, 1, Integer::sum));
        }
        return df;
    }

    /** TF-IDF weights per n (index n-1), their Euclidean norms and the caption length. */
    private record Vector(List<Map<String, Double>> weights, double[] norms, int length) {
        static Vector of(List<String> tokens, Map<String, Integer> df, double logN) {
            List<Map<String, Double>> weights = new ArrayList<>();
            double[] norms = new double[MAX_N];
            for (int n = 1; n <= MAX_N; n++) {
                Map<String, Double> w = new HashMap<>();
                for (Map.Entry<String, Integer> e : NGrams.count(tokens, n).entrySet()) {
                    double idf = logN - Math.log(Math.max(1, df.getOrDefault(e.getKey(), 0)));
                    double value = e.getValue() * idf;
                    w.put(e.getKey(), value);
                    norms[n - 1] += value * value;
                }
                weights.add(w);
                norms[n - 1] = Math.sqrt(norms[n - 1]);
            }
            return new Vector(weights, norms, Math.max(0, tokens.size() - 1));
        }
    }
}
