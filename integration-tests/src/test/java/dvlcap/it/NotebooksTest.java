package dvlcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dvlcap.job.JobCommand;
import dvlcap.sweep.SweepCommand;
import dvlcap.trainer.eval.EvalCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every notebook in notebooks/ executes without raising against what this build produces: a demo job
 * over the example images plus one broken file, {@code dvlcap eval --json} on the examples, and a
 * sweep of the three-setting conf/sweeps/tiny.yaml grid on them.
 *
 * <p>Needs {@code python3} (3.9+, with venv and pip); notebooks/run_notebooks.py installs the
 * notebooks' requirements into notebooks/target/venv on first use. Without Python the test fails,
 * saying so; {@code -Ddvlcap.notebooks.skip=true} skips it instead, with the reason printed.
 */
class NotebooksTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize(); // tests run in the module directory
    static final String SKIP_PROPERTY = "dvlcap.notebooks.skip";
    static final String PYTHON_PROPERTY = "dvlcap.python";

    @TempDir
    Path dir;

    @Test
    void everyNotebookRunsAgainstThisBuildsJobEvalAndSweepOutput() throws Exception {
        String python = System.getProperty(PYTHON_PROPERTY, "python3");
        String missing = pythonProblem(python);
        if (missing != null) {
            if (Boolean.getBoolean(SKIP_PROPERTY)) {
                System.err.println("NotebooksTest SKIPPED (-D" + SKIP_PROPERTY + "=true): " + missing);
                Assumptions.abort(missing);
            }
            fail(missing + ". The notebooks need Python 3.9+ with venv and pip (Debian: apt-get install python3 "
                    + "python3-venv); -D" + PYTHON_PROPERTY + "=PATH names another interpreter, -D" + SKIP_PROPERTY
                    + "=true skips this test.");
        }

        Path corpus = dir.resolve("corpus");
        Files.createDirectories(corpus.resolve("images"));
        try (Stream<Path> images = Files.list(ROOT.resolve("examples/images"))) {
            for (Path p : images.toList()) {
                Files.copy(p, corpus.resolve("images").resolve(p.getFileName()));
            }
        }
        Files.copy(ROOT.resolve("examples/manifest.jsonl"), corpus.resolve("manifest.jsonl"));
        // One failure for the notebook to find.
        Files.writeString(corpus.resolve("images/broken.png"), "not an image");

        Path job = dir.resolve("job");
        run("job", JobCommand.run(new String[] {"--input", corpus.resolve("images").toString(), "--output",
                job.toString(), "--model", ROOT.resolve("models/shapes-dvlm").toString(), "--references",
                corpus.resolve("manifest.jsonl").toString(), "--master", "local[2]", "--backend", "cpu",
                "--max-new-tokens", "48", "--progress-seconds", "0", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1"},
                new PrintStream(OutputStream.nullOutputStream()), System.err));

        ByteArrayOutputStream evalOut = new ByteArrayOutputStream();
        run("eval", EvalCommand.run(new String[] {"--model", ROOT.resolve("models/shapes-dvlm").toString(),
                "--corpus", ROOT.resolve("examples").toString(), "--thresholds", "0.7,0.9", "--max-new-tokens", "48",
                "--backend", "cpu", "--json"}, new PrintStream(evalOut, true), System.err));
        Path eval = dir.resolve("eval.jsonl");
        Files.write(eval, evalOut.toByteArray());

        // The tiny grid (AR, static and dynamic block decoding) with one warm-up caption: a few seconds.
        Path sweep = dir.resolve("sweep");
        run("sweep", SweepCommand.run(new String[] {"--grid", ROOT.resolve("conf/sweeps/tiny.yaml").toString(),
                "--input", corpus.resolve("images").toString(), "--references", corpus.resolve("manifest.jsonl").toString(),
                "--output", sweep.toString(), "--model", ROOT.resolve("models/shapes-dvlm").toString(), "--backend", "cpu",
                "--warmup", "1"}, new PrintStream(OutputStream.nullOutputStream()), System.err));

        Path log = Path.of("target", "notebooks.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(python, ROOT.resolve("notebooks/run_notebooks.py").toString(),
                "--job-output", job.toString(), "--eval-json", eval.toString(), "--sweep-output", sweep.toString(),
                "--executed", Path.of("target", "notebooks-executed").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // The first run installs the requirements into a venv; later ones only execute.
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("run_notebooks.py did not finish in 20 minutes; its output is in " + log);
        }
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), "a notebook failed (output also in " + log + "):\n" + output);
        try (Stream<Path> notebooks = Files.list(ROOT.resolve("notebooks"))) {
            List<Path> all = notebooks.filter(n -> n.toString().endsWith(".ipynb")).toList();
            assertTrue(all.size() >= 3, "notebooks/ lost its notebooks: " + all);
            for (Path n : all) {
                assertTrue(output.contains(n.getFileName() + " ran"), n.getFileName() + " not reported as run:\n"
                        + output);
            }
        }
    }

    private static void run(String what, int status) {
        assertEquals(0, status, "dvlcap " + what + " failed; the notebooks need its output");
    }

    /** Why {@code python} cannot run the notebooks' runner, or null if it can. */
    private static String pythonProblem(String python) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(python, "-c",
                    "import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 3)")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return python + " did not answer within 60 s";
            }
            return p.exitValue() == 0 ? null : python + " cannot run the notebooks (exit " + p.exitValue()
                    + (out.isEmpty() ? "" : ": " + out) + ")";
        } catch (IOException e) {
            return "no Python interpreter '" + python + "' on the PATH (" + e.getMessage() + ")";
        }
    }
}
