package dvlcap.inspect;

import dvlcap.model.DType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tensors of one stored dtype: how many, their parameters and bytes, and whether the engine runs it. */
public record DtypeUse(String dtype, long tensors, long parameters, long bytes, String firstTensor, boolean supported) {

    /** One entry per dtype, in the order the headers first use them. */
    public static List<DtypeUse> of(List<WeightHeaders.Entry> entries) {
        Map<String, long[]> sums = new LinkedHashMap<>();
        Map<String, String> first = new LinkedHashMap<>();
        for (WeightHeaders.Entry t : entries) {
            long[] s = sums.computeIfAbsent(t.dtype(), k -> new long[3]);
            s[0]++;
            s[1] += t.numel();
            s[2] += t.bytes();
            first.putIfAbsent(t.dtype(), t.name());
        }
        return sums.entrySet().stream().map(e -> {
            DType d = DType.byName(e.getKey());
            return new DtypeUse(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], first.get(e.getKey()),
                    d != null && d.supported());
        }).toList();
    }
}
