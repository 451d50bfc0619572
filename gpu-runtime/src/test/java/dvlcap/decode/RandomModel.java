package dvlcap.decode;

import dvlcap.backend.Backend;
import dvlcap.bench.ModelShapes;
import dvlcap.bench.RandomWeightSource;
import dvlcap.model.DecodingDefaults;
import dvlcap.model.ModelConfig;
import dvlcap.nn.InputRows;
import dvlcap.nn.KvPool;
import dvlcap.nn.LlavaModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A random "tiny"-shaped model and helpers to drive the scheduler in tests. */
final class RandomModel {
    static final int VOCAB = 128, MASK = 127;

    private RandomModel() {
    }

    /** The tiny shape with the given end-of-sequence ids (a diffusion model when {@code mask >= 0}). */
    static ModelConfig config(int mask, List<Integer> eos) {
        ModelConfig t = ModelShapes.get("tiny");
        return new ModelConfig(t.family(), t.text(), t.vision(), t.projectorHidden(), t.visionFeatureLayer(),
                new DecodingDefaults(mask, eos, 8, null, "describe", "<image>"));
    }

    static LlavaModel load(Backend backend, ModelConfig config, long seed) {
        return LlavaModel.load(backend, config, new RandomWeightSource(config, seed));
    }

    /** The same weights with the vision tower on {@code vision} (encoding on a thread of its own). */
    static LlavaModel load(Backend backend, Backend vision, ModelConfig config, long seed) {
        return LlavaModel.load(backend, vision, config, new RandomWeightSource(config, seed));
    }

    /** A prompt of {@code before} text ids, the image rows, then {@code after} text ids. */
    static int[] prompt(ModelConfig config, long seed, int before, int after) {
        SplittableRandom r = new SplittableRandom(seed);
        int image = config.imageTokens();
        int[] p = new int[before + image + after];
        for (int i = 0; i < p.length; i++) {
            boolean isImage = i >= before && i < before + image;
            p[i] = isImage ? InputRows.IMAGE : r.nextInt(MASK); // never the mask id
        }
        return p;
    }

    static float[] pixels(ModelConfig config, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int s = config.vision().imageSize();
        float[] px = new float[3 * s * s];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return px;
    }

    /**
     * A KV pool that never makes a job wait: room for {@code maxBatch} of the longest of {@code jobs}
     * (the pool then decides nothing, the batch size does).
     */
    static KvPool roomyPool(LlavaModel model, DecodingSettings settings, List<Scheduler.Job> jobs, int maxBatch) {
        SequenceFactory factory = new SequenceFactory(settings, model.config().decoding());
        int longest = 0;
        for (Scheduler.Job j : jobs) {
            longest = Math.max(longest, factory.capacity(j.prompt().length));
        }
        int pageSize = KvPool.DEFAULT_PAGE_SIZE;
        return model.lm().newPool(pageSize, maxBatch * ((longest + pageSize - 1) / pageSize));
    }

    /** Runs jobs through a scheduler over a {@link #roomyPool} until idle; returns the finished captions by id. */
    static Map<String, Scheduler.Finished> run(LlavaModel model, DecodingSettings settings, List<Scheduler.Job> jobs,
                                               int maxBatch) {
        try (KvPool pool = roomyPool(model, settings, jobs, maxBatch)) {
            return run(model, settings, jobs, maxBatch, pool);
        }
    }

    /** Runs jobs through a scheduler over {@code pool} until idle; returns the finished captions by id. */
    static Map<String, Scheduler.Finished> run(LlavaModel model, DecodingSettings settings, List<Scheduler.Job> jobs,
                                               int maxBatch, KvPool pool) {
        Map<String, Scheduler.Finished> out = new HashMap<>();
        List<Scheduler.Failed> failed = new ArrayList<>();
        SequenceFactory factory = new SequenceFactory(settings, model.config().decoding());
        try (Scheduler s = new Scheduler(model, factory, maxBatch, pool, new Scheduler.Listener() {
            @Override
            public void finished(Scheduler.Finished f) {
                out.put(f.job().id(), f);
            }

            @Override
            public void failed(Scheduler.Failed f) {
                failed.add(f);
            }
        })) {
            jobs.forEach(s::add);
            while (s.step()) {
                // until every job has finished
            }
        }
        if (!failed.isEmpty()) {
            throw failed.get(0).error();
        }
        return out;
    }
}
