package dvlcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.BackendRequest;
import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.decode.RemaskingKind;
import dvlcap.engine.KvBudget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one parser and the shared flag groups that read from it. */
class ArgsTest {
    private static final Set<String> VALUED;

    static {
        Set<String> v = new HashSet<>(DecodingFlags.VALUED);
        v.addAll(Set.of(BackendFlag.NAME, BackendFlag.HEAP_WEIGHTS, KvBudgetFlag.NAME, BatchSizeFlag.NAME, ModelFlag.NAME, "conf"));
        VALUED = Set.copyOf(v);
    }

    private static Args parse(String... argv) {
        return Args.parse("test", argv, VALUED, Set.of("json", "help"), Set.of("conf"));
    }

    /** Every shared flag, given as "--x y" and as "--x=y", yields the same settings. */
    @Test
    void spacedAndEqualsFormsParseIdentically() {
        String[][] flags = {{"decoder", "speculative"}, {"block-size", "8"}, {"steps", "4"}, {"remasking", "STATIC"},
                {"threshold", "0.7"}, {"max-new-tokens", "33"}, {"temperature", "0.5"}, {"top-k", "5"},
                {"top-p", "0.9"}, {"seed", "-7"}, {"sub-block", "2"}, {"backend", "Scalar"}, {"heap-weights", "3g"}, {"kv-budget", "512m"},
                {"batch-size", "3"}, {"model", "/m"}};
        List<String> spaced = new ArrayList<>(), equals = new ArrayList<>();
        for (String[] f : flags) {
            spaced.add("--" + f[0]);
            spaced.add(f[1]);
            equals.add("--" + f[0] + "=" + f[1]);
        }
        Args a = parse(spaced.toArray(String[]::new)), b = parse(equals.toArray(String[]::new));
        DecodingSettings want = new DecodingSettings(DecoderKind.SPECULATIVE, 8, 4, RemaskingKind.STATIC, 0.7f, 33,
                0.5f, 5, 0.9f, -7L, 2);
        assertEquals(want, DecodingFlags.settings(a));
        assertEquals(want, DecodingFlags.settings(b));
        assertEquals(BackendRequest.of("scalar").withHeapWeights(3L << 30), BackendFlag.request(a));
        assertEquals(BackendFlag.request(a), BackendFlag.request(b));
        assertEquals(KvBudget.ofBytes(512L << 20), KvBudgetFlag.of(a));
        assertEquals(KvBudgetFlag.of(a), KvBudgetFlag.of(b));
        assertEquals(3, BatchSizeFlag.of(b));
        assertEquals(ModelFlag.location(a), ModelFlag.location(b));
    }

    @Test
    void aValueMayContainEqualsSigns() {
        assertEquals(List.of("spark.a=b=c", "x=1"), parse("--conf=spark.a=b=c", "--conf", "x=1").all("conf"));
    }

    @Test
    void badBackendListsTheOneListOfNames() {
        for (String[] argv : new String[][] {{"--backend", "tpu"}, {"--backend=tpu"}}) {
            Args.UsageException e = assertThrows(Args.UsageException.class, () -> BackendFlag.request(parse(argv)));
            assertEquals("--backend: unknown backend 'tpu'; allowed: " + String.join(", ", BackendRequest.NAMES),
                    e.getMessage());
        }
    }

    @Test
    void unknownFlagListsTheAllowedOnesInBothForms() {
        for (String[] argv : new String[][] {{"--colour", "red"}, {"--colour=red"}}) {
            Args.UsageException e = assertThrows(Args.UsageException.class, () -> parse(argv));
            assertTrue(e.getMessage().startsWith("unknown option '--colour"), e.getMessage());
            assertTrue(e.getMessage().contains("--backend, --batch-size, --block-size"), e.getMessage());
        }
    }

    @Test
    void aFlagGivenTwiceIsAMistakeUnlessRepeatable() {
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> parse("--steps", "2", "--steps=3"));
        assertTrue(e.getMessage().contains("--steps given twice"), e.getMessage());
        assertEquals(2, parse("--conf", "a=1", "--conf", "b=2").all("conf").size());
    }

    @Test
    void switchesTakeNoValueAndDashHIsHelp() {
        assertThrows(Args.UsageException.class, () -> parse("--json=yes"));
        assertTrue(parse("-h").flag("help"));
        assertThrows(Args.UsageException.class, () -> parse("--steps"), "a valued flag at the end needs its value");
    }

    @Test
    void heapWeightsTakeBytesNoneOrAuto() {
        assertEquals(0, BackendFlag.request(parse()).heapWeightBytes());
        assertEquals(BackendRequest.AUTO_HEAP_WEIGHTS, BackendFlag.request(parse("--heap-weights", "AUTO")).heapWeightBytes());
        assertEquals(0, BackendFlag.request(parse("--heap-weights", "none")).heapWeightBytes());
        assertEquals(0, BackendFlag.request(parse("--heap-weights=0")).heapWeightBytes());
        assertEquals(512L << 20, BackendFlag.request(parse("--heap-weights", "512m")).heapWeightBytes());
        assertEquals(12345, BackendFlag.request(parse("--heap-weights", "12345")).heapWeightBytes());
    }

    @Test
    void badValuesSayWhatIsAllowed() {
        assertTrue(assertThrows(Args.UsageException.class, () -> BatchSizeFlag.of(parse("--batch-size=0")))
                .getMessage().startsWith("--batch-size must be an integer >= 1"));
        assertTrue(assertThrows(Args.UsageException.class, () -> DecodingFlags.settings(parse("--top-p", "1.5")))
                .getMessage().contains("--top-p must be in (0, 1]"));
        assertTrue(assertThrows(Args.UsageException.class, () -> KvBudgetFlag.of(parse("--kv-budget", "lots")))
                .getMessage().contains("--kv-budget 'lots'"));
        for (String bad : new String[] {"lots", "-1", "0.5", "2x"}) {
            assertTrue(assertThrows(Args.UsageException.class, () -> BackendFlag.request(parse("--heap-weights", bad)))
                    .getMessage().contains("--heap-weights '" + bad + "': expected bytes with an optional k/m/g/t suffix"));
        }
        assertTrue(assertThrows(Args.UsageException.class, () -> DecodingFlags.settings(parse("--decoder=beam")))
                .getMessage().contains("--decoder must be one of block, ar, speculative, got 'beam'"));
    }

    @Test
    void strayWordsAreRejectedByFlagOnlyCommands() {
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> parse("--steps", "2", "extra").noPositional());
        assertTrue(e.getMessage().contains("'extra'"), e.getMessage());
    }
}
