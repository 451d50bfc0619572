package dvlcap.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The quality/speed Pareto front: the settings no other setting beats on both axes. A point is
 * dominated when another is at least as fast and at least as good, and strictly better on one.
 */
public final class ParetoFront {

    /** One setting's position: speed (higher is better) and quality (higher is better). */
    public record Point(double speed, double quality) {
    }

    private ParetoFront() {
    }

    /** Indices into {@code points} of the front, from the fastest to the slowest. */
    public static List<Integer> of(List<Point> points) {
        List<Integer> front = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            boolean dominated = false;
            for (Point q : points) {
                if (q.speed() >= p.speed() && q.quality() >= p.quality()
                        && (q.speed() > p.speed() || q.quality() > p.quality())) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(i);
            }
        }
        front.sort(Comparator.comparingDouble((Integer i) -> -points.get(i).speed()));
        return front;
    }
}
