package dvlcap.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BleuTest {

    private static List<String> t(String s) {
        return Arrays.asList(s.split(" "));
    }

    private static double[] bleu(String hyp, String... refs) {
        return Bleu.score(List.of(t(hyp)), List.of(Arrays.stream(refs).map(BleuTest::t).toList()));
    }

    @Test
    void identicalCaptionScoresOne() {
        double[] b = bleu("a red circle and a blue square", "a red circle and a blue square");
        for (double v : b) {
            assertEquals(1.0, v, 1e-6);
        }
    }

    @Test
    void partialMatchHasHandComputedPrecisions() {
        // hyp "the cat sat on the mat", ref "the cat is on the mat"; both 6 tokens -> BP = 1.
        // p1: the x2, cat, on, mat match, sat not        -> 5/6
        // p2: "the cat", "on the", "the mat" of 5        -> 3/5
        // p3: only "on the mat" of 4                     -> 1/4
        // p4: none of 3                                  -> (0 + 1e-15) / (3 + 1e-9)
        // BLEU-1 = 5/6; BLEU-2 = sqrt(5/6 * 3/5) = sqrt(1/2); BLEU-3 = (1/8)^(1/3) = 1/2;
        // BLEU-4 = (1/8 * 1e-15/3)^(1/4) = 8.0343e-5.
        double[] b = bleu("the cat sat on the mat", "the cat is on the mat");
        assertEquals(5.0 / 6, b[0], 1e-9);
        assertEquals(Math.sqrt(0.5), b[1], 1e-9);
        assertEquals(0.5, b[2], 1e-9);
        assertEquals(8.0343e-5, b[3], 1e-8);
    }

    @Test
    void shortHypothesisGetsBrevityPenalty() {
        // c = 2, r = 4: BP = exp(1 - 4/2) = exp(-1) = 0.367879; p1 = 2/2.
        assertEquals(Math.exp(-1), bleu("the cat", "the cat sat down")[0], 1e-9);
    }

    @Test
    void brevityPenaltyUsesLengthsSummedOverTheCorpus() {
        // image 1: c = 4, r = 6; image 2: c = 2, r = 2. Corpus c = 6, r = 8:
        // BP = exp(1 - 8/6) = 0.716531 (not the mean of per-image penalties, 0.803).
        // p1 = (4 + 2) / 6 = 1.
        double[] b = Bleu.score(List.of(t("a b c d"), t("x y")),
                List.of(List.of(t("a b c d e f")), List.of(t("x y"))));
        assertEquals(Math.exp(1 - 8.0 / 6), b[0], 1e-9);
    }

    @Test
    void repeatedWordIsClippedByReferenceCount() {
        // "the" occurs 4 times but at most once in the reference: p1 = 1/4; c = 4 >= r = 2.
        assertEquals(0.25, bleu("the the the the", "the cat")[0], 1e-9);
    }

    @Test
    void clippingUsesTheMaximumCountOverReferences() {
        // "the" x2 is allowed by the second reference, "cat" by the first: p1 = 3/3.
        // Closest reference length to 3 is 3 (refs of 2 and 3): BP = 1.
        assertEquals(1.0, bleu("the the cat", "the cat", "the the dog")[0], 1e-9);
    }

    @Test
    void closestReferenceLengthPrefersTheShorterOnATie() {
        assertEquals(3, Bleu.closestLength(4, List.of(t("a b c d e"), t("a b c"))));
        assertEquals(5, Bleu.closestLength(5, List.of(t("a b c d e"), t("a b c"))));
    }
}
