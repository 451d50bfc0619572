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

    /**
     * Grid shifted by 1: blocks start at answer tokens 0 (a block of one: a0), 1 and 4, as
     * speculative decoding's blocks start wherever the last correction landed.
     */
    @Test
    void aShiftedGridStartsBlocksMidAnswer() {
        FastDvlmObjective fast = new FastDvlmObjective(3, MASK, EOS);
        assertArrayEquals(new int[]{0, 1, 4}, fast.blockStarts(5, 1));
        assertArrayEquals(new int[]{0, 2}, fast.blockStarts(5, 2));
        assertArrayEquals(new int[]{20, 21, 22, 23, EOS, EOS, EOS}, fast.paddedAnswer(ANSWER, 1));
        assertArrayEquals(new int[]{20, 21, 22, 23, EOS}, fast.paddedAnswer(ANSWER, 2));
        assertThrows(IllegalArgumentException.class, () -> fast.blockStarts(5, 3), "a shift is below the block size");
        assertThrows(IllegalArgumentException.class, () -> fast.blockStarts(1, 1), "and below the answer length");

        TrainingExample ex = fast.example(new float[0], PROMPT, ANSWER, 1, new double[]{1, 1, 1}, new SplittableRandom(1),
                1f, 1f);
        // noisy copy (rows 7-13, positions 3-9): a0 | a1 M M | EOS M M
        assertArrayEquals(new int[]{10, 11, 12, 20, 21, 22, 23, 20, 21, MASK, MASK, EOS, MASK, MASK}, ex.input().tokens());
        assertArrayEquals(new int[]{2, 3, 4, 5, 6, 8, 9, 11, 12}, ex.targets().rows());
        assertArrayEquals(new int[]{20, 21, 22, 23, EOS, 22, 23, EOS, EOS}, ex.targets().tokens());
        String[] expected = {
                "11100001000000", // r7 noisy pos 3, block {3}: clean before 3
                "11110000111000", // r8 noisy pos 4, block {4,5,6}: clean before 4 (a0 is context now)
                "11110000111000",
                "11110000111000",
                "11111110000111", // r11 noisy pos 7, block {7,8,9}: clean before 7
                "11111110000111",
                "11111110000111",
        };
        boolean[][] m = AttentionMask.matrix(ex.input().mask(), 14);
        for (int q = 7; q < 14; q++) {
            StringBuilder row = new StringBuilder();
            for (int k = 0; k < 14; k++) {
                row.append(m[q][k] ? '1' : '0');
            }
            assertEquals(expected[q - 7], row.toString(), "row " + q);
        }
    }

    @Test
    void shiftsAreDrawnWithTheirProbabilityAndStayInRange() {
        FastDvlmObjective fast = new FastDvlmObjective(8, MASK, EOS).with(false, 0.5);
        CaptionSample s = new CaptionSample("a", new float[0], PROMPT, new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 3, EOS});
        SplittableRandom r = new SplittableRandom(2);
        int shifted = 0, n = 400;
        boolean[] seen = new boolean[8];
        for (int i = 0; i < n; i++) {
            TrainingExample e = fast.batch(List.of(s), r).get(0);
            FastDvlmMask mask = (FastDvlmMask) e.input().mask();
            // the shift is the first block start after 0 that is not a multiple of 8
            int shift = 0;
            for (int row = PROMPT.length + 11; row < e.input().length(); row++) {
                int start = mask.blockStart()[row] - PROMPT.length;
                if (start % 8 != 0) {
                    shift = start;
                    break;
                }
            }
            seen[shift] = true;
            shifted += shift > 0 ? 1 : 0;
            assertEquals(shift == 0 ? 16 : shift < 4 ? shift + 16 : shift + 8, e.input().length() - (PROMPT.length + 11),
                    "noisy rows: the answer padded to the end of its last block");
        }
        assertEquals(0.5, shifted / (double) n, 0.1, "about half the examples shifted");
        for (int k = 0; k < 8; k++) {
            assertTrue(seen[k], "a grid shifted by " + k + " sometimes");
        }
    }

    @Test
    void complementaryCopyMasksExactlyWhatTheFirstLeftClean() {
        FastDvlmObjective fast = new FastDvlmObjective(3, MASK, EOS).with(true, 0);
        for (long seed = 0; seed < 10; seed++) {
            TrainingExample ex = fast.example(new float[0], PROMPT, ANSWER, 0, new double[]{0.5, 0.25},
                    new SplittableRandom(seed), 1f, 1f);
            int[] tokens = ex.input().tokens();
            assertEquals(7 + 2 * 6, tokens.length, "clean rows, then two noisy copies of 6");
            for (int i = 0; i < 6; i++) {
                int a = tokens[7 + i], b = tokens[13 + i];
                if (i % 3 == 0) {
                    assertTrue(a != MASK && b != MASK, "block starts stay in both copies");
                } else {
                    assertTrue((a == MASK) != (b == MASK), "position " + i + " masked in exactly one copy");
                }
            }
            for (int k = 0; k < ex.targets().size(); k++) {
                int row = ex.targets().rows()[k];
                if (row >= 13) {
                    int i = row + 1 - 13;
                    assertEquals(i < 3 ? 1 / 0.5f : 1 / 0.75f, ex.targets().weights()[k], 1e-5, "copy 2 level 1 - t");
                }
            }
            // a row of copy 2 sees its own copy's block and the clean prefix, never copy 1
            boolean[][] m = AttentionMask.matrix(ex.input().mask(), tokens.length);
            assertTrue(m[14][13] && m[14][15] && !m[14][8] && !m[14][16] && m[14][2] && !m[14][3]);
            assertTrue(m[17][16] && !m[17][10] && m[17][5] && !m[17][6]);
        }
        // two copies: each copy's masked tokens weigh half, so the diffusion term keeps its scale
        CaptionSample s = new CaptionSample("a", new float[0], PROMPT, ANSWER);
        TrainingExample e = fast.batch(List.of(s), new SplittableRandom(3)).get(0);
        for (int k = 0; k < e.targets().size(); k++) {
            if (e.targets().rows()[k] >= 7) {
                assertTrue(e.targets().weights()[k] >= 0.5f / (2 * 4) - 1e-6, "0.5 / (2 copies x 4 maskable) / level");
            }
        }
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
