package dvlcap.sweep;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParetoFrontTest {

    private static ParetoFront.Point p(double speed, double quality) {
        return new ParetoFront.Point(speed, quality);
    }

    @Test
    void theFrontIsTheUndominatedPointsFastestFirst() {
        List<ParetoFront.Point> points = List.of(
                p(100, 7.0),  // 0: slow and best
                p(300, 6.5),  // 1: front
                p(250, 6.0),  // 2: dominated by 1
                p(500, 5.0),  // 3: fastest
                p(300, 6.4),  // 4: as fast as 1, worse
                p(90, 6.9));  // 5: dominated by 0
        assertEquals(List.of(3, 1, 0), ParetoFront.of(points));
    }

    @Test
    void identicalPointsAreBothOnTheFront() {
        assertEquals(Set.of(0, 1), new HashSet<>(ParetoFront.of(List.of(p(1, 1), p(1, 1), p(0.5, 0.5)))));
    }

    @Test
    void everyPointOffTheFrontIsDominatedByOneOnIt() {
        Random r = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            List<ParetoFront.Point> points = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                points.add(p(r.nextInt(10), r.nextInt(10)));
            }
            List<Integer> front = ParetoFront.of(points);
            for (int i = 0; i < points.size(); i++) {
                ParetoFront.Point a = points.get(i);
                boolean dominatedByFront = front.stream().map(points::get).anyMatch(f -> dominates(f, a));
                boolean dominatedByAny = points.stream().anyMatch(f -> dominates(f, a));
                assertEquals(!front.contains(i), dominatedByAny, "point " + a);
                if (!front.contains(i)) {
                    assertTrue(dominatedByFront, "point " + a);
                }
            }
            for (int k = 1; k < front.size(); k++) {
                assertFalse(points.get(front.get(k)).speed() > points.get(front.get(k - 1)).speed());
            }
        }
    }

    private static boolean dominates(ParetoFront.Point f, ParetoFront.Point a) {
        return f.speed() >= a.speed() && f.quality() >= a.quality() && (f.speed() > a.speed() || f.quality() > a.quality());
    }
}
