package dvlcap.devicecheck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs JUnit test classes without Maven or surefire, for the GPU device check
 * (gpu-runtime/src/test/scripts/device-check.sh): one line per test, a summary file, and an exit
 * status that is 0 only when tests ran and every one passed. A skipped or aborted test (an
 * {@code assumeTrue} that did not hold), a failed {@code @BeforeAll}, or a class with no tests is a
 * failure here: on a GPU host a skip means the GPU was not tested.
 *
 * <pre>java -cp ... dvlcap.devicecheck.DeviceTestRunner [--summary FILE] CLASS...</pre>
 */
public final class DeviceTestRunner {
    private DeviceTestRunner() {
    }

    /** What a run found, counted over tests and over containers (classes). */
    public record Summary(String classes, long found, long succeeded, long failed, long aborted, long skipped,
                          long containersFailed, long containersAborted, long containersSkipped) {
        /** Everything ran and passed; nothing skipped or aborted. */
        public boolean passed() {
            return found > 0 && succeeded == found && failed == 0 && aborted == 0 && skipped == 0
                    && containersFailed == 0 && containersAborted == 0 && containersSkipped == 0;
        }

        /** key=value lines, which the device check greps. */
        public String toProperties() {
            return "classes=" + classes + "\nfound=" + found + "\nsucceeded=" + succeeded + "\nfailed=" + failed
                    + "\naborted=" + aborted + "\nskipped=" + skipped + "\ncontainers_failed=" + containersFailed
                    + "\ncontainers_aborted=" + containersAborted + "\ncontainers_skipped=" + containersSkipped
                    + "\nverdict=" + (passed() ? "PASS" : "FAIL") + "\n";
        }
    }

    public static void main(String[] args) throws IOException {
        Path summaryFile = null;
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--summary") && i + 1 < args.length) {
                summaryFile = Path.of(args[++i]);
            } else {
                classes.add(args[i]);
            }
        }
        if (classes.isEmpty()) {
            System.err.println("usage: DeviceTestRunner [--summary FILE] CLASS...");
            System.exit(2);
        }
        Summary s;
        try {
            s = run(classes, System.out);
        } catch (RuntimeException | LinkageError e) {
            // e.g. a class that is not there: a failure with the reason, not a stack of the launcher
            System.out.println("[FAIL] " + String.join(",", classes) + ": could not run: " + e);
            s = new Summary(String.join(",", classes), 0, 0, 0, 0, 0, 1, 0, 0);
        }
        String props = s.toProperties();
        if (summaryFile != null) {
            Files.writeString(summaryFile, props, StandardCharsets.UTF_8);
        }
        System.out.print(props);
        System.out.flush();
        System.exit(s.passed() ? 0 : 1);
    }

    /** Runs {@code classes}, printing a line per test (and per failed or skipped class) to {@code log}. */
    public static Summary run(List<String> classes, PrintStream log) {
        List<ClassSelector> selectors = new ArrayList<>();
        for (String c : classes) {
            selectors.add(selectClass(c));
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
        Launcher launcher = LauncherFactory.create();
        Counter counter = new Counter(log);
        launcher.execute(request, counter);
        return new Summary(String.join(",", classes), counter.found, counter.succeeded, counter.failed,
                counter.aborted, counter.skipped, counter.containersFailed, counter.containersAborted,
                counter.containersSkipped);
    }

    private static final class Counter implements TestExecutionListener {
        private final PrintStream log;
        private TestPlan plan;
        long found, succeeded, failed, aborted, skipped, containersFailed, containersAborted, containersSkipped;
        private final java.util.Map<String, Long> started = new java.util.HashMap<>();

        Counter(PrintStream log) {
            this.log = log;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
            found = testPlan.countTestIdentifiers(TestIdentifier::isTest);
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            started.put(id.getUniqueId(), System.nanoTime());
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) {
                skipped++;
            } else if (isClass(id)) {
                containersSkipped++;
                // its tests never start: count them as skipped
                skipped += plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count();
            }
            log.println("[SKIP] " + name(id) + ": " + reason);
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            Long t0 = started.remove(id.getUniqueId());
            String ms = t0 == null ? "" : " (" + (System.nanoTime() - t0) / 1_000_000 + " ms)";
            Optional<Throwable> t = result.getThrowable();
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    if (id.isTest()) {
                        succeeded++;
                        log.println("[PASS] " + name(id) + ms);
                    }
                }
                case ABORTED -> {
                    if (id.isTest()) {
                        aborted++;
                    } else {
                        containersAborted++;
                    }
                    log.println("[ABORT] " + name(id) + ms + ": " + t.map(Throwable::getMessage).orElse("aborted"));
                }
                case FAILED -> {
                    if (id.isTest()) {
                        failed++;
                    } else {
                        containersFailed++;
                    }
                    log.println("[FAIL] " + name(id) + ms + ": " + t.map(String::valueOf).orElse("failed"));
                    t.ifPresent(e -> log.println(indentedTrace(e)));
                }
            }
        }

        private static boolean isClass(TestIdentifier id) {
            return id.isContainer() && id.getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.ClassSource)
                    .orElse(false);
        }

        private String name(TestIdentifier id) {
            Optional<TestIdentifier> parent = plan.getParent(id);
            return parent.filter(p -> p.getParentId().isPresent())
                    .map(p -> p.getDisplayName() + "#" + id.getDisplayName()).orElse(id.getDisplayName());
        }

        /** The first 40 lines of the stack trace, indented. */
        private static String indentedTrace(Throwable e) {
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            String[] lines = w.toString().split("\n");
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < Math.min(lines.length, 40); i++) {
                b.append("    ").append(lines[i]).append('\n');
            }
            if (lines.length > 40) {
                b.append("    ... ").append(lines.length - 40).append(" more lines\n");
            }
            return b.toString().stripTrailing();
        }
    }
}
