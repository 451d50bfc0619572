package dvlcap.trainer;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Named float32 tensors, keyed by their Hugging Face names, in insertion order. The same type
 * holds weights, their gradients and the optimizer's moments ({@link #zerosLike()}).
 */
public final class Parameters {
    private final Map<String, float[]> data = new LinkedHashMap<>();
    private final Map<String, int[]> shapes = new LinkedHashMap<>();

    /** Adds a zero tensor of the given shape and returns its storage. */
    public float[] add(String name, int... shape) {
        if (data.containsKey(name)) {
            throw new IllegalArgumentException("tensor " + name + " added twice");
        }
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] values = new float[Math.toIntExact(n)];
        data.put(name, values);
        shapes.put(name, shape.clone());
        return values;
    }

    public float[] get(String name) {
        float[] v = data.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        return v;
    }

    public boolean has(String name) {
        return data.containsKey(name);
    }

    public int[] shape(String name) {
        get(name);
        return shapes.get(name).clone();
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(data.keySet());
    }

    /** Number of scalars over all tensors. */
    public long count() {
        long n = 0;
        for (float[] v : data.values()) {
            n += v.length;
        }
        return n;
    }

    /** A store with the same names and shapes, all zeros. */
    public Parameters zerosLike() {
        Parameters p = new Parameters();
        shapes.forEach(p::add);
        return p;
    }

    public Parameters copy() {
        Parameters p = zerosLike();
        data.forEach((k, v) -> System.arraycopy(v, 0, p.get(k), 0, v.length));
        return p;
    }

    public void zero() {
        for (float[] v : data.values()) {
            Arrays.fill(v, 0f);
        }
    }

    /** {@code this += other}, tensor by tensor; the names must match. */
    public void addFrom(Parameters other) {
        for (Map.Entry<String, float[]> e : data.entrySet()) {
            float[] dst = e.getValue(), src = other.get(e.getKey());
            for (int i = 0; i < dst.length; i++) {
                dst[i] += src[i];
            }
        }
    }

    /** {@code this *= s}. */
    public void scale(float s) {
        for (float[] v : data.values()) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= s;
            }
        }
    }

    /** Euclidean norm over all tensors, accumulated in double. */
    public double norm() {
        double s = 0;
        for (float[] v : data.values()) {
            for (float x : v) {
                s += (double) x * x;
            }
        }
        return Math.sqrt(s);
    }
}
