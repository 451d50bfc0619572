package dvlcap.quality;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counting the n-grams of a token list; n-grams are keys joined with a space. */
final class NGrams {

    private NGrams() {
    }

    /** Counts of the n-grams of exactly length {@code n}. */
    static Map<String, Integer> count(List<String> tokens, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return counts;
    }
}
