package dvlcap.trainer;

import java.util.List;
import java.util.SplittableRandom;

/** Turns a mini-batch of captions into the sequences and loss targets of one training step. */
public interface Objective {

    /**
     * The examples of one step. Weights are normalized over the whole batch, so the step's loss
     * is the sum of the examples' losses.
     */
    List<TrainingExample> batch(List<CaptionSample> samples, SplittableRandom random);

    String name();

    /**
     * The objective of training step {@code step} (from 1); evaluation uses {@code this}. An
     * objective that changes during training (block-size annealing) says so here.
     */
    default Objective atStep(int step) {
        return this;
    }
}
