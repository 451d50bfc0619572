package dvlcap.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CiderDTest {

    private static List<String> t(String s) {
        return Arrays.asList(s.split(" "));
    }

    @Test
    void twoImageCorpusMatchesHandComputation() {
        // N = 2, l = ln 2. df: "a" 2 (idf 0); "cat", "dog", "sits", "a cat", "a dog",
        // "dog sits", "a dog sits" 1 (idf l); "runs", "dog runs", "a dog runs" 0 (idf l).
        // Image A, hyp = ref = "a cat": n=1 vectors {a:0, cat:l} -> l^2 / (l * l) = 1;
        //   n=2 {"a cat": l} -> 1; n=3,4 empty -> 0. Same length. 10 * (1+1+0+0)/4 = 5.
        // Image B, hyp "a dog runs", ref "a dog sits": n=1 {a:0, dog:l, runs:l} vs
        //   {a:0, dog:l, sits:l}: dot l^2 / (sqrt2 l * sqrt2 l) = 1/2; n=2 likewise 1/2;
        //   n=3 no common trigram -> 0. 10 * (1/2 + 1/2)/4 = 2.5.
        // Corpus: (5 + 2.5) / 2 = 3.75.
        List<List<String>> hyps = List.of(t("a cat"), t("a dog runs"));
        List<List<List<String>>> refs = List.of(List.of(t("a cat")), List.of(t("a dog sits")));
        assertArrayEquals(new double[] {5.0, 2.5}, CiderD.imageScores(hyps, refs), 1e-12);
        assertEquals(3.75, CiderD.score(hyps, refs), 1e-12);
    }

    @Test
    void lengthDifferenceIsPenalisedWithSigmaSix() {
        // Image A: hyp "a b", ref "a b c"; image B: hyp = ref = "z". All n-grams have df 1 -> idf l.
        // A n=1: dot 2 l^2 / (sqrt2 l * sqrt3 l) = 2/sqrt6; n=2: l^2 / (l * sqrt2 l) = 1/sqrt2;
        //   lengths (bigrams) 1 vs 2 -> penalty exp(-1/72).
        //   10 * (2/sqrt6 + 1/sqrt2) * exp(-1/72) / 4 = 3.756471.
        // B: n=1 only -> 10 * 1/4 = 2.5.
        double[] s = CiderD.imageScores(List.of(t("a b"), t("z")),
                List.of(List.of(t("a b c")), List.of(t("z"))));
        assertEquals(10 * (2 / Math.sqrt(6) + 1 / Math.sqrt(2)) * Math.exp(-1.0 / 72) / 4, s[0], 1e-12);
        assertEquals(3.7564712, s[0], 1e-6);
        assertEquals(2.5, s[1], 1e-12);
    }

    @Test
    void candidateEqualToItsOnlyReferenceWithUniqueNgramsScoresTen() {
        List<List<String>> hyps = List.of(t("a large red circle at the top"), t("two green birds fly"));
        List<List<List<String>>> refs = List.of(
                List.of(t("a large red circle at the top")), List.of(t("one blue star sits")));
        assertEquals(10.0, CiderD.imageScores(hyps, refs)[0], 1e-12);
    }

    @Test
    void repeatedCandidateNgramIsClippedByTheReferenceWeight() {
        // hyp "cat cat" vs ref "cat": w_hyp(cat) = 2l, w_ref(cat) = l; clipped dot = min(2l, l) * l
        // = l^2; norms 2l and l -> 1/2 for n=1 (unclipped would be 1). Bigram counts 1 vs 0:
        // penalty exp(-1/72). 10 * (1/2) * exp(-1/72) / 4 = 1.2328...
        double[] s = CiderD.imageScores(List.of(t("cat cat"), t("dog")),
                List.of(List.of(t("cat")), List.of(t("dog"))));
        assertEquals(10 * 0.5 * Math.exp(-1.0 / 72) / 4, s[0], 1e-12);
    }

    @Test
    void referencesAreAveraged() {
        // Two images so that idf > 0. Image A refs "a b" (exact: 10 * 2/4 = 5) and "c d"
        // (no overlap: 0) -> (5 + 0) / 2 = 2.5.
        double[] s = CiderD.imageScores(List.of(t("a b"), t("e")),
                List.of(List.of(t("a b"), t("c d")), List.of(t("e"))));
        assertEquals(2.5, s[0], 1e-12);
    }

    @Test
    void singleImageCorpusScoresZeroBecauseIdfVanishes() {
        assertEquals(0.0, CiderD.score(List.of(t("a b")), List.of(List.of(t("a b")))), 0.0);
    }
}
