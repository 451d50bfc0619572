package dvlcap.hostile;

import dvlcap.cli.EngineCli;
import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.engine.CaptionEngine;
import dvlcap.engine.EngineOptions;
import dvlcap.model.ModelFileException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Loads a model directory the ways a user does, in a worker thread with a time limit: the caption
 * engine's loader ({@code dvlcap caption --model DIR}) on the CPU backend, then {@code dvlcap inspect
 * --model DIR} through the CLI. Judges the result against the mutation that made the directory.
 */
final class ModelLoadProbe implements AutoCloseable {
    /** AR decoding runs every model, diffusion or not, so that removing mask_token_id (a valid AR model) loads. */
    private static final EngineOptions OPTIONS = new EngineOptions(
            DecodingSettings.defaults().withDecoder(DecoderKind.AR), 1, "cpu");

    private final long timeoutMillis;
    private ExecutorService worker = newWorker();

    ModelLoadProbe(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    Outcome probe(Path dir, Mutation m) {
        Future<Outcome> f = worker.submit(() -> judge(dir, m));
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow(); // the stuck thread is abandoned (daemon); later cases get a fresh one
            worker = newWorker();
            return Outcome.unclear("no result within " + timeoutMillis + " ms (a hang)");
        } catch (ExecutionException e) {
            return Outcome.unclear("escaped the probe: " + trace(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Outcome judge(Path dir, Mutation m) {
        Outcome caption;
        try (CaptionEngine engine = CaptionEngine.load(dir, OPTIONS)) {
            caption = Outcome.loaded();
        } catch (ModelFileException e) {
            caption = named(dir, m, e);
        } catch (Throwable e) { // an unchecked exception from deep inside, an OutOfMemoryError: the bug hunted here
            caption = Outcome.unclear("caption load: " + trace(e));
        }
        Outcome inspect = inspect(dir);
        if (inspect.verdict() == Outcome.Verdict.UNCLEAR) {
            return inspect;
        }
        return caption;
    }

    /** A clear error names a file of the directory, and the tensor or key the mutation touched (or a tensor). */
    private static Outcome named(Path dir, Mutation m, ModelFileException e) {
        String msg = e.getMessage();
        if (e.file() == null || !e.file().startsWith(dir) || !msg.contains(e.file().getFileName().toString())) {
            return Outcome.unclear("names no file of the model directory: " + msg);
        }
        if (m != null && m.kind().targetsConfigKey() && e.tensor() == null && !msg.contains(m.target())) {
            return Outcome.unclear("names neither the key '" + m.target() + "' nor a tensor: " + msg);
        }
        if (m != null && m.kind().targetsTensor() && e.tensor() == null && !msg.contains(m.target())) {
            return Outcome.unclear("names no tensor: " + msg);
        }
        return Outcome.clear(msg);
    }

    private static Outcome inspect(Path dir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status;
        try {
            status = EngineCli.run(new String[] {"inspect", "--model", dir.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } catch (Throwable e) {
            return Outcome.unclear("inspect: " + trace(e));
        }
        String text = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        return switch (status) {
            case 0 -> Outcome.loaded();
            case 1 -> text.contains(dir.toString()) ? Outcome.clear(text)
                    : Outcome.unclear("inspect exit 1 without naming a file: " + text);
            default -> Outcome.unclear("inspect exit " + status + ": " + text);
        };
    }

    private static String trace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > 1500 ? s.substring(0, 1500) + "..." : s;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hostile-model-probe");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
