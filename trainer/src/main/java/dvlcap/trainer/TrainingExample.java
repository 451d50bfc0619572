package dvlcap.trainer;

/** What one forward/backward pass consumes: preprocessed pixels [3, S, S], the sequence, the loss. */
public record TrainingExample(float[] pixels, LmInput input, LossTargets targets) {
}
