package dvlcap.trainer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The training loop: seeded shuffled mini-batches, the objective's examples, the batch gradient
 * over threads, AdamW with warmup + cosine decay, evaluation now and then, progress on a stream.
 * Everything random comes from {@link SplittableRandom}s derived from the seed, drawn on this
 * thread, so a seed fixes the final weights whatever the thread count.
 */
public final class Trainer {

    /** How to train. {@code evalEvery} 0 means evaluate only at the end. */
    public record Settings(int steps, int batch, double lr, int warmup, long seed, int threads, int evalEvery,
                           double weightDecay, double clipNorm) {
    }

    private final LlavaQwenModel model;
    private final Objective objective;
    private final Settings s;
    private final PrintStream progress;

    public Trainer(LlavaQwenModel model, Objective objective, Settings settings, PrintStream progress) {
        this.model = model;
        this.objective = objective;
        this.s = settings;
        this.progress = progress;
    }

    /**
     * Trains {@code params} in place on the examples {@code train} (indices into {@code samples})
     * and returns the log. {@code eval} may be empty.
     */
    public LossLog run(Parameters params, IntFunction<CaptionSample> samples, List<Integer> train, List<Integer> eval) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        SplittableRandom order = new SplittableRandom(s.seed());
        SplittableRandom noise = order.split();
        LearningRate schedule = new LearningRate(s.lr(), s.warmup(), s.steps(), 0.1);
        AdamW adam = new AdamW(params, 0.9, 0.95, 1e-8, s.weightDecay(), s.clipNorm(), model.unusedPrefixes());
        List<CaptionSample> evalSamples = new ArrayList<>();
        for (int i : eval) {
            evalSamples.add(samples.apply(i));
        }
        LossLog log = new LossLog();
        int[] perm = shuffled(train, order);
        int cursor = 0;
        long start = System.nanoTime();
        long lastPrint = 0;
        long rowsSoFar = 0;
        Objective current = null;
        try (BatchGradient bg = new BatchGradient(model, s.threads())) {
            if (!evalSamples.isEmpty()) {
                double initial = evaluate(bg, params, evalSamples);
                log.add(new LossLog.Row(0, 0, Double.NaN, Double.NaN, initial, 0, 0));
                progress.printf(Locale.ROOT, "%s step 0  eval %.4f (before training)%n", objective.name(), initial);
            }
            start = System.nanoTime();
            for (int step = 1; step <= s.steps(); step++) {
                long t0 = System.nanoTime();
                List<CaptionSample> batch = new ArrayList<>();
                for (int b = 0; b < s.batch(); b++) {
                    if (cursor == perm.length) {
                        perm = shuffled(train, order);
                        cursor = 0;
                    }
                    batch.add(samples.apply(perm[cursor++]));
                }
                Objective stepObjective = objective.atStep(step);
                if (stepObjective != current) {
                    current = stepObjective;
                    if (stepObjective instanceof FastDvlmObjective f) {
                        progress.printf(Locale.ROOT, "%s step %d: block size %d%n", objective.name(), step, f.blockSize());
                    }
                }
                BatchGradient.Result r = bg.compute(params, stepObjective.batch(batch, noise));
                double lr = schedule.at(step);
                double gradNorm = adam.update(params, r.gradient(), lr);
                double evalLoss = Double.NaN;
                boolean last = step == s.steps();
                if (!evalSamples.isEmpty() && (last || (s.evalEvery() > 0 && step % s.evalEvery() == 0))) {
                    // Fixed noise for every evaluation, so BD3 eval losses are comparable across steps.
                    evalLoss = evaluate(bg, params, evalSamples);
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                rowsSoFar += r.rows();
                double elapsed = (System.nanoTime() - start) / 1e9;
                double tokPerSec = rowsSoFar / elapsed;
                log.add(new LossLog.Row(step, lr, r.loss(), gradNorm, evalLoss, sec, r.rows() / sec));
                if (!Double.isFinite(r.loss())) {
                    throw new IllegalStateException("loss is " + r.loss() + " at step " + step + " (lower --lr?)");
                }
                long now = System.nanoTime();
                if (last || step == 1 || !Double.isNaN(evalLoss) || now - lastPrint > 10_000_000_000L) {
                    lastPrint = now;
                    double eta = elapsed / step * (s.steps() - step);
                    progress.printf(Locale.ROOT, "%s step %d/%d  loss %.4f%s  lr %.2e  |g| %.2f  %.0f tok/s  %.2f s/step  ETA %s%n",
                            objective.name(), step, s.steps(), r.loss(),
                            Double.isNaN(evalLoss) ? "" : String.format(Locale.ROOT, "  eval %.4f", evalLoss), lr, gradNorm,
                            tokPerSec, elapsed / step, duration(eta));
                }
            }
        }
        return log;
    }

    private double evaluate(BatchGradient bg, Parameters params, List<CaptionSample> evalSamples) {
        return bg.loss(params, objective.batch(evalSamples, new SplittableRandom(s.seed() ^ 0x5DEECE66DL)));
    }

    private static int[] shuffled(List<Integer> items, SplittableRandom r) {
        int[] a = items.stream().mapToInt(Integer::intValue).toArray();
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    static String duration(double seconds) {
        long t = Math.round(seconds);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }
}
