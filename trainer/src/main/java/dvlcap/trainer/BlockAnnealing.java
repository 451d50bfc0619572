package dvlcap.trainer;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Fast-dVLM's block-size annealing: small blocks first. Stage {@code i} trains with
 * {@code stages.get(i)} up to and including step {@code untilStep[i]}; after the last stage, the
 * final objective trains, and it alone is evaluated (its block size is the model's).
 */
public final class BlockAnnealing implements Objective {
    private final List<FastDvlmObjective> stages;
    private final int[] untilStep;
    private final FastDvlmObjective last;

    /**
     * @param schedule block size and step count of each stage before the final one, in order
     */
    public BlockAnnealing(FastDvlmObjective last, List<int[]> schedule) {
        this.last = last;
        this.stages = schedule.stream().map(s -> last.withBlockSize(s[0])).toList();
        this.untilStep = new int[schedule.size()];
        int end = 0;
        for (int i = 0; i < schedule.size(); i++) {
            end += schedule.get(i)[1];
            untilStep[i] = end;
        }
    }

    @Override
    public List<TrainingExample> batch(List<CaptionSample> samples, SplittableRandom random) {
        return last.batch(samples, random);
    }

    @Override
    public String name() {
        return last.name();
    }

    @Override
    public FastDvlmObjective atStep(int step) {
        for (int i = 0; i < untilStep.length; i++) {
            if (step <= untilStep[i]) {
                return stages.get(i);
            }
        }
        return last;
    }
}
