package dvlcap.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RougeLTest {

    private static List<String> t(String s) {
        return Arrays.asList(s.split(" "));
    }

    @Test
    void identicalCaptionScoresOne() {
        assertEquals(1.0, RougeL.imageScore(t("a red circle"), List.of(t("a red circle"))), 1e-12);
    }

    @Test
    void knownLcsGivesHandComputedF() {
        // LCS("a b c d e", "a x c y e z") = "a c e" = 3; P = 3/5, R = 3/6.
        // F = (1 + 1.44) * 0.6 * 0.5 / (0.5 + 1.44 * 0.6) = 0.732 / 1.364 = 0.536657.
        assertEquals(3, RougeL.lcs(t("a b c d e"), t("a x c y e z")));
        assertEquals(0.732 / 1.364, RougeL.imageScore(t("a b c d e"), List.of(t("a x c y e z"))), 1e-12);
    }

    @Test
    void precisionAndRecallAreMaximisedOverReferencesSeparately() {
        // ref "a b": P = 2/4, R = 2/2; ref "a b c d x y z w": P = 4/4, R = 4/8.
        // max P = 1, max R = 1 -> F = 1 (as coco-caption defines it).
        assertEquals(1.0, RougeL.imageScore(t("a b c d"),
                List.of(t("a b"), t("a b c d x y z w"))), 1e-12);
    }

    @Test
    void noCommonWordScoresZero() {
        assertEquals(0.0, RougeL.imageScore(t("x y"), List.of(t("a b"))), 0.0);
    }

    @Test
    void corpusScoreIsTheMeanOverImages() {
        // image 1: 1.0; image 2: 0.0 -> 0.5.
        assertEquals(0.5, RougeL.score(List.of(t("a b"), t("x")),
                List.of(List.of(t("a b")), List.of(t("y")))), 1e-12);
    }
}
