package dvlcap.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JitWarmupTest {

    /** A pass whose duration, on a fake clock, is the next of {@code ms}. */
    private static int passesFor(long... ms) {
        long[] now = {0};
        int[] i = {0};
        return JitWarmup.passes(() -> now[0] += ms[i[0]++] * 1_000_000, () -> now[0]);
    }

    @Test
    void stopsAtTheFirstPassThatIsNotClearlyFasterThanTheOneBefore() {
        assertEquals(3, passesFor(5500, 1200, 1150, 100));
        assertEquals(2, passesFor(500, 520, 100, 100));
    }

    @Test
    void keepsGoingWhileEachPassIsFasterButNoMoreThanTheCap() {
        assertEquals(JitWarmup.MAX_PASSES, passesFor(5500, 1200, 730, 520, 10, 1));
    }

    @Test
    void runsTwiceAtLeastSinceOnePassHasNothingToCompareWith() {
        assertEquals(2, passesFor(100, 100));
        assertEquals(2, passesFor(100, 5000));
    }
}
