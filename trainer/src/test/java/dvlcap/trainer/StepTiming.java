package dvlcap.trainer;

import dvlcap.model.ModelConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Measures seconds per training step at the default shape on synthetic sequences (not a test). */
public final class StepTiming {
    public static void main(String[] args) {
        int batch = Integer.parseInt(args[0]), threads = Integer.parseInt(args[1]), steps = Integer.parseInt(args[2]);
        int answerLen = args.length > 3 ? Integer.parseInt(args[3]) : 26;
        ModelShape s = ModelShape.DEFAULT;
        int vocab = 120;
        ModelConfig c = CheckpointFiles.diffusionConfig(CheckpointFiles.arConfig(s, vocab, vocab - 2, "d"), vocab - 1, 8);
        LlavaQwenModel model = new LlavaQwenModel(c);
        Parameters p = model.declare();
        Initializer.normal(p, new SplittableRandom(1), 0.02);
        System.out.printf("parameters %,d%n", p.count());
        SplittableRandom r = new SplittableRandom(2);
        List<CaptionSample> samples = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            int[] prompt = new int[11 + s.numPatches() + 9];
            for (int j = 0; j < prompt.length; j++) {
                prompt[j] = j >= 11 && j < 11 + s.numPatches() ? LmInput.imageRow(j - 11) : r.nextInt(vocab - 2);
            }
            int[] answer = new int[answerLen];
            for (int j = 0; j < answerLen; j++) {
                answer[j] = j == answerLen - 1 ? vocab - 2 : r.nextInt(vocab - 2);
            }
            samples.add(new CaptionSample("x" + i, GradientCheck.random(r, 3 * 64 * 64, 1), prompt, answer));
        }
        for (Objective o : List.of(new ArObjective(), new Bd3Objective(8, vocab - 1, vocab - 2))) {
            try (BatchGradient bg = new BatchGradient(model, threads)) {
                AdamW opt = new AdamW(p, 0.9, 0.95, 1e-8, 0.01, 1.0, model.unusedPrefixes());
                for (int step = 0; step < steps; step++) {
                    long t0 = System.nanoTime();
                    List<TrainingExample> ex = o.batch(samples, r);
                    BatchGradient.Result res = bg.compute(p, ex);
                    opt.update(p, res.gradient(), 1e-4);
                    double sec = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("%s step %d: %.3f s, loss %.4f, rows %d (%.0f rows/s)%n", o.name(), step, sec,
                            res.loss(), res.rows(), res.rows() / sec);
                }
            }
        }
    }
}
