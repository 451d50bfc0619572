package dvlcap.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --kv-budget}: bytes with binary suffixes, fractions of free memory, auto; clear refusals. */
class KvBudgetTest {

    @Test
    void sizesTakeBinarySuffixesAndDecimalsAreFractions() {
        assertEquals(KvBudget.ofBytes(2L << 30), KvBudget.parse("2g"));
        assertEquals(KvBudget.ofBytes(512L << 20), KvBudget.parse("512M"));
        assertEquals(KvBudget.ofBytes(3L << 29), KvBudget.parse("1.5GiB"));
        assertEquals(KvBudget.ofBytes(1_000_000), KvBudget.parse("1000000"));
        assertEquals(KvBudget.ofBytes(1), KvBudget.parse("1"), "a whole number is bytes");
        assertEquals(KvBudget.ofFraction(0.5), KvBudget.parse("0.5"));
        assertEquals(KvBudget.ofFraction(1), KvBudget.parse("1.0"));
        assertTrue(KvBudget.parse(" auto ").isAuto());
    }

    @Test
    void malformedOrOutOfRangeBudgetsAreRefusedSayingWhatIsAllowed() {
        for (String bad : new String[] {"", "lots", "2x", "-1g", "0.0", "1.5", "0", "g"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvBudget.parse(bad), bad);
            assertTrue(e.getMessage().contains("--kv-budget"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KvBudget.parse("1.5")).getMessage()
                .contains("(0, 1]"));
    }

    @Test
    void poolPagesAreWhatTheBudgetHoldsCappedAtWhatCanBeUsed() {
        assertEquals(10, KvBudget.pages(10 * 4096 + 100, 4096, 1000));
        assertEquals(64, KvBudget.pages(1L << 40, 4096, 64), "no more than the batch of longest sequences can use");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvBudget.pages(4000, 4096, 64));
        assertTrue(e.getMessage().contains("below one page of 4096 bytes"), e.getMessage());
    }
}
