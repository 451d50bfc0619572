package dvlcap.model;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Tensors held in memory (tests, the trainer), with the same shape checks as a file. */
public final class MapWeightSource implements WeightSource {
    private record Entry(long[] shape, float[] data) {
    }

    private final Path label;
    private final Map<String, Entry> tensors = new LinkedHashMap<>();

    /** @param label what error messages name in place of a file */
    public MapWeightSource(String label) {
        this.label = Path.of(label);
    }

    public MapWeightSource() {
        this("<in-memory weights>");
    }

    /** Adds (or replaces) a tensor; the data is copied. */
    public MapWeightSource put(String name, float[] data, long... shape) {
        long n;
        try {
            n = Shapes.numel(shape);
        } catch (ArithmeticException e) {
            n = -1;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.length + " values do not fill shape "
                    + java.util.Arrays.toString(shape));
        }
        tensors.put(name, new Entry(shape.clone(), data.clone()));
        return this;
    }

    /** A copy of every tensor of another source, as float32. */
    public static MapWeightSource copyOf(WeightSource src, String label) {
        MapWeightSource m = new MapWeightSource(label);
        for (String name : src.names()) {
            long[] shape = src.shape(name);
            m.put(name, src.floats(name, shape), shape);
        }
        return m;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    private Entry get(String name) {
        Entry e = tensors.get(name);
        if (e == null) {
            throw new ModelFileException(label, name, "no such tensor");
        }
        return e;
    }

    @Override
    public long[] shape(String name) {
        return get(name).shape.clone();
    }

    /** Returns a copy, so callers cannot change the source. */
    @Override
    public float[] floats(String name, long... expectedShape) {
        Entry e = get(name);
        Shapes.check(label, name, e.shape, expectedShape);
        return e.data.clone();
    }

    @Override
    public void close() {
        // nothing held outside the heap
    }
}
