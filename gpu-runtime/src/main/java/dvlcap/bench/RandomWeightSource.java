package dvlcap.bench;

import dvlcap.model.CheckpointLayout;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelFileException;
import dvlcap.model.SafetensorsWriter;
import dvlcap.model.WeightSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random weights for a config, generated on demand from a seed and the tensor's name (so nothing
 * is held twice and the same seed gives the same model). Norm weights sit near 1, biases and
 * matrices are small normals scaled by fan-in so activations neither vanish nor explode.
 */
public final class RandomWeightSource implements WeightSource {
    private final Map<String, long[]> shapes;
    private final long seed;
    private final Path label;

    public RandomWeightSource(ModelConfig config, long seed) {
        this.shapes = CheckpointLayout.shapes(config);
        this.seed = seed;
        this.label = Path.of("<random weights, seed " + seed + ">");
    }

    @Override
    public Set<String> names() {
        return shapes.keySet();
    }

    @Override
    public long[] shape(String name) {
        long[] s = shapes.get(name);
        if (s == null) {
            throw new ModelFileException(label, name, "no such tensor");
        }
        return s.clone();
    }

    @Override
    public float[] floats(String name, long... expectedShape) {
        long[] s = shape(name);
        if (!Arrays.equals(s, expectedShape)) {
            throw new ModelFileException(label, name, "shape " + Arrays.toString(s) + ", expected "
                    + Arrays.toString(expectedShape));
        }
        long n = 1;
        for (long d : s) {
            n *= d;
        }
        float[] data = new float[Math.toIntExact(n)];
        values(name).fill(0, data, data.length);
        return data;
    }

    /**
     * The tensor's values (the same as {@link #floats}) generated a slice at a time, for writing a
     * checkpoint larger than memory; the slices must be asked for in order, from 0.
     */
    public SafetensorsWriter.Values values(String name) {
        long[] s = shape(name);
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + name.hashCode());
        boolean norm = name.contains("norm") && name.endsWith(".weight");
        boolean bias = name.endsWith(".bias");
        boolean embedding = name.contains("embed_tokens") || name.contains("position_embedding");
        boolean lmHead = name.equals("lm_head.weight");
        double std = norm ? 0.1 : bias ? 0.02 : embedding ? 0.05 : lmHead ? 4.0 / Math.sqrt(s[1]) : 1.0 / Math.sqrt(s[s.length - 1] * (s.length == 4 ? s[1] * s[2] : 1));
        double mean = norm ? 1.0 : 0.0;
        long[] next = {0};
        return (from, dst, n) -> {
            if (from != next[0]) {
                throw new IllegalStateException("tensor '" + name + "': values asked for from " + from + ", next is "
                        + next[0]);
            }
            for (int i = 0; i < n; i++) {
                dst[i] = (float) (mean + std * gaussian(r));
            }
            next[0] += n;
        };
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17
        double u = 1.0 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    @Override
    public void close() {
    }
}
