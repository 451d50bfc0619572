package dvlcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.BackendRequest;
import dvlcap.cli.EngineCli;
import dvlcap.job.JobOptionsParser;
import dvlcap.job.UsageException;
import dvlcap.sweep.SweepCommand;
import dvlcap.testing.TinyCheckpoints;
import dvlcap.trainer.TrainOptions;
import dvlcap.trainer.corpus.CorpusCommand;
import dvlcap.trainer.eval.EvalCommand;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of bin/dvlcap reads its flags with the one parser: {@code --x y} and {@code --x=y}
 * mean the same everywhere, and a shared flag's bad value gets the same message from each command.
 */
class CommandLinesTest {

    /** Runs a command up to its flag checks; returns its usage message, or null when the flags passed. */
    @FunctionalInterface
    interface Command {
        String usageError(List<String> flags) throws Exception;
    }

    private static final String NOWHERE = "/nonexistent/dvlcap-command-lines-test";

    /** The commands that take the shared engine flags, each with the arguments it needs to get that far. */
    private static Map<String, Command> engineCommands() {
        Map<String, Command> c = new LinkedHashMap<>();
        c.put("caption", f -> engineCli("caption", concat(List.of("--model", NOWHERE), f, List.of(NOWHERE + ".png"))));
        c.put("bench", f -> engineCli("bench", concat(List.of("--shape", "no-such-shape"), f)));
        c.put("eval", f -> thrown(() -> EvalCommand.run(array(concat(List.of("--model", NOWHERE, "--corpus", NOWHERE), f)),
                quiet(), quiet())));
        c.put("sweep", f -> thrown(() -> SweepCommand.run(array(concat(List.of("--grid", NOWHERE, "--corpus", NOWHERE,
                "--output", NOWHERE, "--model", NOWHERE), f)), quiet(), quiet())));
        c.put("job", f -> {
            try {
                JobOptionsParser.parse(array(concat(List.of("--input", NOWHERE, "--output", NOWHERE, "--model", NOWHERE), f)));
                return null;
            } catch (UsageException e) {
                return e.getMessage();
            }
        });
        return c;
    }

    @Test
    void aBadBackendGetsTheSameMessageListingTheAllowedNamesFromEveryCommand() throws Exception {
        String want = "--backend: unknown backend 'tpu'; allowed: " + String.join(", ", BackendRequest.NAMES);
        for (Map.Entry<String, Command> c : engineCommands().entrySet()) {
            for (List<String> form : List.of(List.of("--backend", "tpu"), List.of("--backend=tpu"))) {
                assertEquals(want, c.getValue().usageError(form), c.getKey() + " " + form);
            }
        }
    }

    /** Bad values of shared flags, in both forms: the same message, naming the flag, from every command taking it. */
    @Test
    void sharedFlagsFailTheSameWayInBothFormsInEveryCommand() throws Exception {
        Map<String, List<String>> takers = Map.of(
                "batch-size", List.of("caption", "bench", "eval", "job"),
                "kv-budget", List.of("caption", "bench", "job"),
                "max-new-tokens", List.of("caption", "bench", "job"),
                "decoder", List.of("caption", "bench", "job"),
                "top-p", List.of("caption", "bench", "job"));
        Map<String, String> bad = Map.of("batch-size", "0", "kv-budget", "lots", "max-new-tokens", "zero",
                "decoder", "beam", "top-p", "1.5");
        Map<String, Command> commands = engineCommands();
        for (Map.Entry<String, List<String>> flag : takers.entrySet()) {
            String name = flag.getKey(), value = bad.get(name);
            String first = null;
            for (String command : flag.getValue()) {
                String spaced = commands.get(command).usageError(List.of("--" + name, value));
                String joined = commands.get(command).usageError(List.of("--" + name + "=" + value));
                assertNotNull(spaced, command + " --" + name + " " + value + " was accepted");
                assertTrue(spaced.contains("--" + name), command + ": " + spaced);
                assertEquals(spaced, joined, command + " --" + name);
                if (first == null) {
                    first = spaced;
                }
                assertEquals(first, spaced, "--" + name + " in " + command + " vs " + flag.getValue().get(0));
            }
        }
    }

    @Test
    void everyCommandRejectsAnUnknownFlagInEitherFormWithTheAllowedOnes() throws Exception {
        for (Map.Entry<String, Command> c : engineCommands().entrySet()) {
            for (List<String> form : List.of(List.of("--colour", "red"), List.of("--colour=red"))) {
                String e = c.getValue().usageError(form);
                assertNotNull(e, c.getKey());
                assertTrue(e.startsWith("unknown option '--colour") && e.contains("allowed: ") && e.contains("--backend"),
                        c.getKey() + ": " + e);
            }
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, CorpusCommand.run(new String[] {"--colour=red"}, quiet(), new PrintStream(err, true)));
        assertTrue(err.toString().contains("unknown option '--colour=red' for 'corpus'; allowed: "), err.toString());
    }

    /** Truthful help: each command that takes --backend shows the one list of names it accepts. */
    @Test
    void everyHelpShowsTheSameBackendNames() throws Exception {
        String names = String.join("|", BackendRequest.NAMES);
        Map<String, String> helps = new LinkedHashMap<>();
        for (String command : List.of("caption", "bench")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, EngineCli.run(new String[] {command, "--help"}, new PrintStream(out, true), quiet()));
            helps.put(command, out.toString());
        }
        ByteArrayOutputStream eval = new ByteArrayOutputStream(), sweep = new ByteArrayOutputStream();
        EvalCommand.run(new String[] {"--help"}, new PrintStream(eval, true), quiet());
        SweepCommand.run(new String[] {"--help"}, new PrintStream(sweep, true), quiet());
        helps.put("eval", eval.toString());
        helps.put("sweep", sweep.toString());
        helps.put("job", JobOptionsParser.help());
        helps.forEach((command, help) -> assertTrue(help.contains("--backend NAME            " + names), command + ":\n" + help));
    }

    @Test
    void jobAndTrainParseBothFormsToEqualOptions() throws Exception {
        List<String> job = List.of("--input", "in", "--output", "out", "--model", "m", "--decoder", "ar", "--steps", "3",
                "--temperature", "0.5", "--seed", "-2", "--backend", "cpu", "--kv-budget", "1g", "--batch-size", "4",
                "--limit", "9", "--conf", "spark.x=1");
        assertEquals(JobOptionsParser.parse(array(job)), JobOptionsParser.parse(array(joined(job))));
        List<String> train = List.of("--corpus", "c", "--out", "o", "--stage", "fast", "--steps", "50", "--lr", "0.002",
                "--block-size", "8", "--complementary", "yes", "--block-shift", "0.5", "--seed", "3");
        TrainOptions a = TrainOptions.parse(array(train)), b = TrainOptions.parse(array(joined(train)));
        assertEquals(a, b);
        assertEquals(8, b.blockSize());
        assertTrue(b.complementary());
    }

    @Test
    void captionPrintsTheSameCaptionsForBothForms(@TempDir Path dir) throws Exception {
        Path model = TinyCheckpoints.write(dir.resolve("model"), TinyCheckpoints.Spec.tiny(5));
        Path image = dir.resolve("red.png");
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 4, 0xff0000);
        ImageIO.write(img, "png", image.toFile());
        List<String> flags = List.of("--model", model.toString(), "--max-new-tokens", "8", "--batch-size", "2",
                "--backend", "scalar", "--decoder", "block", "--threshold", "0.5");
        String spaced = captionOut(concat(flags, List.of(image.toString())));
        String joined = captionOut(concat(joined(flags), List.of(image.toString())));
        assertTrue(spaced.startsWith(image + "\t"), spaced);
        assertEquals(spaced, joined);
    }

    @Test
    void corpusWritesTheSameBytesForBothForms(@TempDir Path dir) throws Exception {
        List<String> flags = List.of("--n", "3", "--seed", "17", "--style", "short", "--split", "val");
        assertEquals(0, CorpusCommand.run(array(concat(List.of("--out", dir.resolve("a").toString()), flags)), quiet(),
                quiet()));
        assertEquals(0, CorpusCommand.run(array(concat(List.of("--out=" + dir.resolve("b")), joined(flags))), quiet(),
                quiet()));
        assertEquals(Files.readString(dir.resolve("a/manifest.jsonl")), Files.readString(dir.resolve("b/manifest.jsonl")));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static String captionOut(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> argv = concat(List.of("caption"), args);
        int status = EngineCli.run(array(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The usage message of an engine command (exit status 2), or null when it got past its flags. */
    private static String engineCli(String command, List<String> args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = EngineCli.run(array(concat(List.of(command), args)), quiet(), new PrintStream(err, true,
                StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8).strip();
        String prefix = "dvlcap " + command + ": ";
        if (status != 2 || !text.startsWith(prefix)) {
            return null;
        }
        return text.substring(prefix.length()).lines().findFirst().orElse("");
    }

    @FunctionalInterface
    private interface Run {
        void run() throws Exception;
    }

    /** The message of the usage error {@code r} throws, or null when it failed otherwise or not at all. */
    private static String thrown(Run r) throws Exception {
        try {
            r.run();
            return null;
        } catch (dvlcap.cli.Args.UsageException e) {
            return e.getMessage();
        } catch (IllegalArgumentException | java.io.IOException | IllegalStateException e) {
            return null; // past the flags: a missing file, model or corpus
        }
    }

    /** "--x y" pairs rewritten as "--x=y". */
    private static List<String> joined(List<String> spaced) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < spaced.size(); i += 2) {
            out.add(spaced.get(i) + "=" + spaced.get(i + 1));
        }
        return out;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> p : parts) {
            out.addAll(p);
        }
        return out;
    }

    private static String[] array(List<String> l) {
        return l.toArray(String[]::new);
    }

    private static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }
}
