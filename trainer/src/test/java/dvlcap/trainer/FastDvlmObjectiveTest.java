package dvlcap.trainer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fast-dVLM's layout, mask, noise and loss targets on small examples written out by hand. */
class FastDvlmObjectiveTest {
    private static final int MASK = 99, EOS = 98;
    private static final int[] PROMPT = {10, 11, 12};
    private static final int[] ANSWER = {20, 21, 22, 23, EOS};

    /** Block 3, prompt p0 p1 p2, answer a0..a3 EOS, padded to two blocks (a0 a1 a2 | a3 EOS EOS). */
    private static TrainingExample example(double t0, double t1, long seed) {
        return new FastDvlmObjective(3, MASK, EOS).example(new float[0], PROMPT, ANSWER, new double[]{t0, t1},
                new SplittableRandom(seed), 1f, 1f);
    }

    @Test
    void maskMatchesTheHandWrittenMatrix() {
        TrainingExample ex = example(1, 1, 1);
        String[] expected = {
                // keys: clean r0-r6 (positions 0..6) | noisy r7-r12 (positions 3..8)
                "1000000000000", // r0 clean pos 0: token-causal
                "1100000000000",
                "1110000000000",
                "1111000000000", // r3 clean a0
                "1111100000000",
                "1111110000000",
                "1111111000000", // r6 clean a3 (the last clean row: EOS is only a target)
                "1110000111000", // r7 noisy pos 3, block 0 (positions 3-5): clean before 3, its noisy block
                "1110000111000",
                "1110000111000",
                "1111110000111", // r10 noisy pos 6, block 1 (positions 6-8): clean before 6, its noisy block
                "1111110000111",
                "1111110000111",
        };
        boolean[][] m = AttentionMask.matrix(ex.input().mask(), 13);
        for (int q = 0; q < 13; q++) {
            StringBuilder row = new StringBuilder();
            for (int k = 0; k < 13; k++) {
                row.append(m[q][k] ? '1' : '0');
            }
            assertEquals(expected[q], row.toString(), "row " + q);
        }
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6, 3, 4, 5, 6, 7, 8}, ex.input().positions());
    }

    @Test
    void atFullNoiseEveryPositionButEachBlocksFirstIsMasked_andReadOneRowEarlier() {
        TrainingExample ex = example(1, 1, 1);
        // clean half: prompt + answer without EOS; noisy half: a0 M M | a3 M M (block starts stay: inherited tokens)
        assertArrayEquals(new int[]{10, 11, 12, 20, 21, 22, 23, 20, MASK, MASK, 23, MASK, MASK}, ex.input().tokens());
        // causal targets at clean rows 2..6 (p-1+j predicts a_j, EOS included, padding not), then the
        // masked positions 4, 5, 7, 8 read at the noisy rows of positions 3, 4, 6, 7
        assertArrayEquals(new int[]{2, 3, 4, 5, 6, 7, 8, 10, 11}, ex.targets().rows());
        assertArrayEquals(new int[]{20, 21, 22, 23, EOS, 21, 22, EOS, EOS}, ex.targets().tokens());
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1, 1, 1, 1}, ex.targets().weights());
    }

    @Test
    void diffusionWeightIsOneOverTheBlocksNoiseLevel() {
        for (long seed = 0; seed < 20; seed++) {
            TrainingExample ex = example(0.5, 0.25, seed);
            int[] tokens = ex.input().tokens();
            int masked = 0;
            for (int i = 0; i < ex.targets().size(); i++) {
                int row = ex.targets().rows()[i];
                if (row < 7) {
                    assertEquals(1f, ex.targets().weights()[i], "causal target at row " + row);
                    continue;
                }
                masked++;
                int pos = ex.input().positions()[row + 1];
                assertEquals(MASK, tokens[row + 1], "the target's position is masked");
                assertEquals(pos < 6 ? 2f : 4f, ex.targets().weights()[i], 1e-6, "weight at position " + pos);
            }
            int count = 0;
            for (int r = 7; r < 13; r++) {
                count += tokens[r] == MASK ? 1 : 0;
            }
            assertEquals(count, masked, "every masked position has exactly one target");
            assertTrue(tokens[7] == 20 && tokens[10] == 23, "block starts are never masked");
        }
    }

    @Test
    void maskingRateFollowsTheNoiseLevel() {
        FastDvlmObjective fast = new FastDvlmObjective(8, MASK, EOS);
        int[] answer = new int[16];
        answer[15] = EOS;
        SplittableRandom r = new SplittableRandom(4);
        int masked = 0, trials = 400;
        for (int i = 0; i < trials; i++) {
            int[] tokens = fast.example(new float[0], PROMPT, answer, new double[]{0.3, 0.3}, r, 1f, 1f).input().tokens();
            for (int row = PROMPT.length + 15; row < tokens.length; row++) {
                masked += tokens[row] == MASK ? 1 : 0;
            }
        }
        double rate = masked / (trials * 14.0);
        assertEquals(0.3, rate, 0.02, "masked share of the 14 maskable positions");
    }

    @Test
    void batchWeightsAverageEachLossAndMixThemHalfAndHalf() {
        FastDvlmObjective fast = new FastDvlmObjective(4, MASK, EOS);
        CaptionSample a = new CaptionSample("a", new float[0], new int[]{1, 2, 3}, new int[]{5, EOS});
        CaptionSample b = new CaptionSample("b", new float[0], new int[]{1, 2}, new int[]{5, 6, 7, 8, 9, EOS});
        // answers 2 + 6 = 8 tokens; blocks 1 + 2 = 3, maskable 3 x 3 = 9
        List<TrainingExample> ex = fast.batch(List.of(a, b), new SplittableRandom(8));
        int causal = 0;
        for (TrainingExample e : ex) {
            int cleanRows = e.input().length() - (e == ex.get(0) ? 4 : 8);
            for (int i = 0; i < e.targets().size(); i++) {
                float w = e.targets().weights()[i];
                if (e.targets().rows()[i] < cleanRows) {
                    causal++;
                    assertEquals(0.5f / 8, w, 1e-7f);
                } else {
                    assertTrue(w >= 0.5f / 9 - 1e-6 && w <= 0.5f / 9 / 1e-3 + 1e-3, "weight " + w + " = 0.5/(9 t)");
                }
            }
        }
        assertEquals(8, causal, "every answer token is a causal target once");
    }

    @Test
    void answersArePaddedWithEosToWholeBlocksFromTheirFirstToken() {
        FastDvlmObjective fast = new FastDvlmObjective(4, MASK, EOS);
        assertArrayEquals(new int[]{5, 6, EOS, EOS}, fast.paddedAnswer(new int[]{5, 6, EOS}));
        assertArrayEquals(new int[]{5, 6, 7, EOS}, fast.paddedAnswer(new int[]{5, 6, 7, EOS}));
        assertArrayEquals(new int[]{5, 6, 7, 8, EOS, EOS, EOS, EOS}, fast.paddedAnswer(new int[]{5, 6, 7, 8, EOS}));
        assertThrows(IllegalArgumentException.class, () -> new FastDvlmObjective(1, MASK, EOS));
    }

    @Test
    void annealingTrainsSmallBlocksFirstAndEvaluatesTheFinalSize() {
        FastDvlmObjective last = new FastDvlmObjective(32, MASK, EOS);
        List<int[]> schedule = new ArrayList<>();
        schedule.add(new int[]{8, 10});
        schedule.add(new int[]{16, 5});
        BlockAnnealing a = new BlockAnnealing(last, schedule);
        assertEquals(8, a.atStep(1).blockSize());
        assertEquals(8, a.atStep(10).blockSize());
        assertEquals(16, a.atStep(11).blockSize());
        assertEquals(16, a.atStep(15).blockSize());
        assertEquals(32, a.atStep(16).blockSize());
        assertEquals(32, a.atStep(1000).blockSize());
        // evaluation batches use the final block size: one block of 32 for a short answer
        CaptionSample s = new CaptionSample("a", new float[0], new int[]{1, 2, 3}, new int[]{5, EOS});
        TrainingExample e = a.batch(List.of(s), new SplittableRandom(1)).get(0);
        assertEquals(3 + 1 + 32, e.input().length());
    }
}
