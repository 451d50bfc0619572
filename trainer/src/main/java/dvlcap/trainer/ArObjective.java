package dvlcap.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Stage 1: next-token cross-entropy on the answer (EOS included) under a causal mask; the logits
 * at row p predict the token at p + 1; the prompt and the image are context only. The loss is
 * the mean over the batch's answer tokens.
 */
public final class ArObjective implements Objective {

    @Override
    public String name() {
        return "ar";
    }

    @Override
    public List<TrainingExample> batch(List<CaptionSample> samples, SplittableRandom random) {
        int answerTokens = 0;
        for (CaptionSample s : samples) {
            answerTokens += s.answer().length;
        }
        List<TrainingExample> out = new ArrayList<>();
        for (CaptionSample s : samples) {
            out.add(example(s, 1f / answerTokens));
        }
        return out;
    }

    /** One sequence, each answer token weighted {@code weight}. */
    public static TrainingExample example(CaptionSample s, float weight) {
        int p = s.prompt().length, a = s.answer().length;
        int len = p + a - 1; // the last answer token is only a target
        int[] tokens = new int[len], positions = new int[len];
        System.arraycopy(s.prompt(), 0, tokens, 0, p);
        System.arraycopy(s.answer(), 0, tokens, p, a - 1);
        for (int i = 0; i < len; i++) {
            positions[i] = i;
        }
        int[] rows = new int[a];
        float[] weights = new float[a];
        for (int i = 0; i < a; i++) {
            rows[i] = p - 1 + i;
            weights[i] = weight;
        }
        return new TrainingExample(s.pixels(), new LmInput(tokens, positions, AttentionMask.causal()),
                new LossTargets(rows, s.answer().clone(), weights));
    }
}
