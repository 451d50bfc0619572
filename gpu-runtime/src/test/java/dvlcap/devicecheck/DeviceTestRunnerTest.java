package dvlcap.devicecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The device check's runner counts a skip, an abort or a class that never ran as a failure. */
class DeviceTestRunnerTest {

    private static DeviceTestRunner.Summary run(Class<?> c, StringBuilder log) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeviceTestRunner.Summary s = DeviceTestRunner.run(List.of(c.getName()),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        log.append(out.toString(StandardCharsets.UTF_8));
        return s;
    }

    @Test
    void allPassingIsAPass() {
        StringBuilder log = new StringBuilder();
        DeviceTestRunner.Summary s = run(Passing.class, log);
        assertTrue(s.passed(), s + "\n" + log);
        assertEquals(2, s.found());
        assertTrue(s.toProperties().contains("verdict=PASS"));
        assertTrue(log.toString().contains("[PASS] "), log.toString());
    }

    @Test
    void aSkippedTestIsAFailureWithItsReason() {
        StringBuilder log = new StringBuilder();
        DeviceTestRunner.Summary s = run(Skipping.class, log);
        assertFalse(s.passed());
        assertEquals(1, s.aborted(), s.toString());
        assertTrue(s.toProperties().contains("verdict=FAIL"));
        assertTrue(log.toString().contains("[ABORT] ") && log.toString().contains("no CUDA backend here"), log.toString());
    }

    @Test
    void aClassWhoseSetUpSkipsIsAFailure() {
        DeviceTestRunner.Summary s = run(SkippingSetUp.class, new StringBuilder());
        assertFalse(s.passed(), s.toString());
        assertEquals(0, s.succeeded());
        assertEquals(1, s.containersAborted(), s.toString());
    }

    @Test
    void aFailedTestIsAFailure() {
        DeviceTestRunner.Summary s = run(Failing.class, new StringBuilder());
        assertFalse(s.passed());
        assertEquals(1, s.failed());
    }

    @Test
    void noTestsAtAllIsAFailure() {
        assertFalse(run(Empty.class, new StringBuilder()).passed());
    }

    // fixtures: nested classes, which surefire does not run on its own

    static class Passing {
        @Test
        void one() {
        }

        @Test
        void two() {
        }
    }

    static class Skipping {
        @Test
        void ran() {
        }

        @Test
        void skipped() {
            assumeTrue(false, "no CUDA backend here: stand-in");
        }
    }

    static class SkippingSetUp {
        @BeforeAll
        static void noDevice() {
            assumeTrue(false, "no device");
        }

        @Test
        void never() {
        }
    }

    static class Failing {
        @Test
        void fails() {
            assertEquals(1, 2);
        }
    }

    static class Empty {
    }
}
