package dvlcap.trainer.corpus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How well a caption's objects match the true scene.
 *
 * <p><b>Headline: object F1</b> ({@link #objects}). Each object is reduced to the
 * attributes the style states: (shape, colour) for short captions, (shape, colour, size,
 * cell) for detailed ones. A predicted object is matched when a not yet matched true object
 * has exactly the same attributes (multiset intersection). Precision = matched /
 * predicted, recall = matched / true objects, F1 = 2PR / (P + R), 0 when nothing matches.
 * The background and relations are not scored (relations follow from the cells).
 *
 * <p><b>Secondary: attribute micro-F1</b> ({@link #attributes}), partial credit for nearly
 * right objects. Every object states k attributes (2 short, 4 detailed). Predicted and true
 * objects are paired greedily, most agreeing attributes first (ties: earlier predicted, then
 * earlier true object), pairs agreeing on nothing left unpaired; the agreeing attributes of
 * the pairs are the correct facts. Precision = correct / (k * predicted), recall = correct /
 * (k * true), F1 as above.
 */
public final class ObjectF1 {

    /** Precision, recall and F1, each in [0, 1]. */
    public record Score(double precision, double recall, double f1) {

        static Score of(double correct, double predicted, double truth) {
            double p = predicted == 0 ? 0 : correct / predicted;
            double r = truth == 0 ? 0 : correct / truth;
            return new Score(p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
        }
    }

    private ObjectF1() {
    }

    /** The headline object F1. */
    public static Score objects(List<ParsedObject> predicted, Scene truth, CaptionStyle style) {
        Map<ParsedObject, Integer> remaining = new HashMap<>();
        for (SceneObject o : truth.objects()) {
            remaining.merge(ParsedObject.of(o, style), 1, Integer::sum);
        }
        int matched = 0;
        for (ParsedObject p : predicted) {
            ParsedObject key = style == CaptionStyle.SHORT ? new ParsedObject(p.shape(), p.colour(), null, null) : p;
            Integer left = remaining.get(key);
            if (left != null && left > 0) {
                remaining.put(key, left - 1);
                matched++;
            }
        }
        return Score.of(matched, predicted.size(), truth.objects().size());
    }

    /** The attribute micro-F1. */
    public static Score attributes(List<ParsedObject> predicted, Scene truth, CaptionStyle style) {
        int k = style == CaptionStyle.SHORT ? 2 : 4;
        List<ParsedObject> actual = truth.objects().stream().map(o -> ParsedObject.of(o, style)).toList();
        List<int[]> pairs = new ArrayList<>(); // {agreement, predicted index, true index}
        for (int i = 0; i < predicted.size(); i++) {
            for (int j = 0; j < actual.size(); j++) {
                int a = agreement(predicted.get(i), actual.get(j), k);
                if (a > 0) {
                    pairs.add(new int[] {a, i, j});
                }
            }
        }
        pairs.sort(Comparator.<int[]>comparingInt(p -> -p[0]).thenComparingInt(p -> p[1]).thenComparingInt(p -> p[2]));
        boolean[] usedP = new boolean[predicted.size()];
        boolean[] usedT = new boolean[actual.size()];
        int correct = 0;
        for (int[] p : pairs) {
            if (!usedP[p[1]] && !usedT[p[2]]) {
                usedP[p[1]] = true;
                usedT[p[2]] = true;
                correct += p[0];
            }
        }
        return Score.of(correct, (double) k * predicted.size(), (double) k * actual.size());
    }

    /** Number of the first k attributes (shape, colour, size, cell) on which a and b agree. */
    private static int agreement(ParsedObject a, ParsedObject b, int k) {
        int n = 0;
        n += a.shape() == b.shape() ? 1 : 0;
        n += a.colour() == b.colour() ? 1 : 0;
        if (k == 4) {
            n += a.size() != null && a.size() == b.size() ? 1 : 0;
            n += a.cell() != null && Objects.equals(a.cell(), b.cell()) ? 1 : 0;
        }
        return n;
    }
}
