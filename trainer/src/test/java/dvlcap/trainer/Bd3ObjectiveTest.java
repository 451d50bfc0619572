package dvlcap.trainer;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BD3 layout, mask, noise and loss targets on small examples written out by hand. */
class Bd3ObjectiveTest {
    private static final int MASK = 99, EOS = 98;

    /**
     * Block size 2, prompt p0 p1 p2, answer a0 a1 a2 (L = 6). Whole prompt block 0 is shared
     * (rows 0-1); the noisy half (rows 2-5) and the clean half (rows 6-9) cover positions 2..5.
     */
    @Test
    void maskMatchesTheHandWrittenMatrix() {
        Bd3Objective bd3 = new Bd3Objective(2, MASK, EOS);
        TrainingExample ex = bd3.example(new float[0], new int[]{10, 11, 12}, new int[]{20, 21, 22}, new double[]{1.0, 1.0},
                new SplittableRandom(1), 1f);
        String[] expected = {
                // keys: r0 r1 | noisy r2 r3 r4 r5 | clean r6 r7 r8 r9
                "1100000000", // r0 clean pos0 block0: clean blocks <= 0
                "1100000000", // r1 clean pos1 block0
                "1111000000", // r2 noisy pos2 block1: own noisy block + clean blocks < 1
                "1111000000", // r3 noisy pos3 block1
                "1100111100", // r4 noisy pos4 block2: own noisy block + clean blocks 0, 1
                "1100111100", // r5 noisy pos5 block2
                "1100001100", // r6 clean pos2 block1: clean blocks <= 1
                "1100001100", // r7 clean pos3 block1
                "1100001111", // r8 clean pos4 block2: clean blocks <= 2
                "1100001111", // r9 clean pos5 block2
        };
        boolean[][] m = AttentionMask.matrix(ex.input().mask(), 10);
        for (int q = 0; q < 10; q++) {
            StringBuilder row = new StringBuilder();
            for (int k = 0; k < 10; k++) {
                row.append(m[q][k] ? '1' : '0');
            }
            assertEquals(expected[q], row.toString(), "row " + q);
        }
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 2, 3, 4, 5}, ex.input().positions());
    }

    @Test
    void atFullNoiseEveryAnswerTokenIsMaskedButNeverThePrompt() {
        Bd3Objective bd3 = new Bd3Objective(2, MASK, EOS);
        TrainingExample ex = bd3.example(new float[0], new int[]{10, 11, 12}, new int[]{20, 21, 22}, new double[]{1.0, 1.0},
                new SplittableRandom(1), 0.25f);
        // noisy half: p2 stays (prompt head of the first answer block), answers masked; clean half intact
        assertArrayEquals(new int[]{10, 11, 12, MASK, MASK, MASK, 12, 20, 21, 22}, ex.input().tokens());
        // logits read at the noisy rows, same position, targets the clean tokens, weight w / t
        assertArrayEquals(new int[]{3, 4, 5}, ex.targets().rows());
        assertArrayEquals(new int[]{20, 21, 22}, ex.targets().tokens());
        assertArrayEquals(new float[]{0.25f, 0.25f, 0.25f}, ex.targets().weights());
    }

    @Test
    void lossWeightIsOneOverTheBlocksNoiseLevel() {
        Bd3Objective bd3 = new Bd3Objective(4, MASK, EOS);
        // prompt 4 tokens (block 0), answer 8 tokens in blocks 1 and 2 with t = 0.5 and 0.25
        int[] answer = {1, 2, 3, 4, 5, 6, 7, EOS};
        TrainingExample ex = bd3.example(new float[0], new int[]{9, 9, 9, 9}, answer, new double[]{0.5, 0.25},
                new SplittableRandom(3), 1f);
        for (int i = 0; i < ex.targets().size(); i++) {
            int pos = ex.input().positions()[ex.targets().rows()[i]];
            assertEquals(pos < 8 ? 2f : 4f, ex.targets().weights()[i], 1e-6, "weight at position " + pos);
        }
    }

    @Test
    void answersArePaddedWithEosToTheBlockBoundaryOfTheWholeSequence() {
        Bd3Objective bd3 = new Bd3Objective(8, MASK, EOS);
        assertArrayEquals(new int[]{5, 6, EOS, EOS, EOS}, bd3.paddedAnswer(11, new int[]{5, 6, EOS}));
        assertArrayEquals(new int[]{5, 6, 7, EOS}, bd3.paddedAnswer(12, new int[]{5, 6, 7, EOS}));
    }

    @Test
    void noiseLevelsAreStratifiedOnePerStratum() {
        Bd3Objective bd3 = new Bd3Objective(8, MASK, EOS, 1e-3);
        double[] t = bd3.noiseLevels(10, new SplittableRandom(5));
        double[] sorted = t.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < 10; k++) {
            double lo = 1e-3 + (1 - 1e-3) * k / 10.0, hi = 1e-3 + (1 - 1e-3) * (k + 1) / 10.0;
            assertTrue(sorted[k] >= lo && sorted[k] < hi, "level " + k + " = " + sorted[k]);
        }
        assertTrue(!Arrays.equals(t, sorted), "strata are assigned to blocks in shuffled order");
    }

    @Test
    void batchLossIsAveragedOverAllAnswerTokensOfTheBatch() {
        Bd3Objective bd3 = new Bd3Objective(4, MASK, EOS);
        CaptionSample a = new CaptionSample("a", new float[0], new int[]{1, 2, 3, 4}, new int[]{5, EOS});
        CaptionSample b = new CaptionSample("b", new float[0], new int[]{1, 2}, new int[]{5, 6, 7, EOS});
        List<TrainingExample> ex = bd3.batch(List.of(a, b), new SplittableRandom(8));
        // padded answers: a -> 4 tokens (positions 4..7), b -> 6 tokens (positions 2..7): 10 in all
        for (TrainingExample e : ex) {
            for (int i = 0; i < e.targets().size(); i++) {
                float w = e.targets().weights()[i];
                assertTrue(w >= 0.1f - 1e-6 && w <= 0.1f / 1e-3 + 1e-3, "weight " + w + " = 1/(10 t)");
            }
        }
    }
}
