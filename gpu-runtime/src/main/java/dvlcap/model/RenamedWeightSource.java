package dvlcap.model;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A view of another source under different names: a tensor the loader asks for as {@code canonical}
 * is read as the first rule's {@code stored + rest} whose {@code canonical} prefix matches, so one
 * loader serves every release's naming. Names no rule matches pass through unchanged. Errors name
 * the stored tensor (the one a user can find in the file).
 */
public final class RenamedWeightSource implements WeightSource {
    /** Canonical names starting with {@code canonical} are stored starting with {@code stored}. */
    public record Prefix(String canonical, String stored) {
    }

    private final WeightSource inner;
    private final List<Prefix> rules;

    public RenamedWeightSource(WeightSource inner, List<Prefix> rules) {
        this.inner = inner;
        this.rules = List.copyOf(rules);
    }

    /** The stored name of a canonical one. */
    public String stored(String canonical) {
        for (Prefix p : rules) {
            if (canonical.startsWith(p.canonical())) {
                return p.stored() + canonical.substring(p.canonical().length());
            }
        }
        return canonical;
    }

    /** The canonical names of the stored tensors (a stored name no rule produces keeps its name). */
    @Override
    public Set<String> names() {
        Set<String> out = new LinkedHashSet<>();
        for (String s : inner.names()) {
            String canonical = s;
            for (Prefix p : rules) {
                if (s.startsWith(p.stored())) {
                    canonical = p.canonical() + s.substring(p.stored().length());
                    break;
                }
            }
            out.add(canonical);
        }
        return out;
    }

    @Override
    public boolean has(String name) {
        return inner.has(stored(name));
    }

    @Override
    public long[] shape(String name) {
        return inner.shape(stored(name));
    }

    @Override
    public float[] floats(String name, long... expectedShape) {
        return inner.floats(stored(name), expectedShape);
    }

    @Override
    public StoredTensor stored(String name, long... expectedShape) {
        return inner.stored(stored(name), expectedShape);
    }

    /** The underlying source stays open: its owner closes it. */
    @Override
    public void close() {
    }
}
