package dvlcap.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class BatchShrinkPolicyTest {
    private final BatchShrinkPolicy policy = new BatchShrinkPolicy();

    @Test
    void halvesDownToOneThenGivesUp() {
        List<Integer> sizes = new ArrayList<>();
        OptionalInt n = OptionalInt.of(64);
        while (n.isPresent()) {
            sizes.add(n.getAsInt());
            n = policy.next(n.getAsInt());
        }
        assertEquals(List.of(64, 32, 16, 8, 4, 2, 1), sizes);
    }

    @Test
    void oddSizesRoundUpAndEveryStepShrinks() {
        assertEquals(2, policy.next(3).getAsInt());
        assertEquals(1, policy.next(2).getAsInt());
        assertEquals(50, policy.next(99).getAsInt());
        for (int n = 2; n <= 1000; n++) {
            int next = policy.next(n).getAsInt();
            assertTrue(next >= 1 && next < n, n + " -> " + next);
        }
    }

    @Test
    void retriesAreLogarithmic() {
        int steps = 0;
        for (OptionalInt n = OptionalInt.of(1000); n.isPresent(); n = policy.next(n.getAsInt())) {
            steps++;
        }
        assertEquals(11, steps); // 1000 500 250 125 63 32 16 8 4 2 1
    }

    @Test
    void singleSequenceThatDoesNotFitGivesUp() {
        assertTrue(policy.next(1).isEmpty());
    }

    @Test
    void minimumIsRespected() {
        BatchShrinkPolicy p = new BatchShrinkPolicy(4);
        assertEquals(4, p.next(5).getAsInt());
        assertEquals(4, p.next(7).getAsInt());
        assertTrue(p.next(4).isEmpty());
        assertTrue(p.next(2).isEmpty());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> policy.next(0));
        assertThrows(IllegalArgumentException.class, () -> new BatchShrinkPolicy(0));
    }
}
