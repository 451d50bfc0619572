package dvlcap.trainer.corpus;

import dvlcap.cli.Args;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Command line for {@link CorpusWriter}; {@code --help} prints the usage. */
public final class CorpusCommand {

    static final String USAGE = """
            Usage: dvlcap corpus --out DIR --n N --seed S [--split NAME] [--style short|detailed|both]

            Writes a synthetic shapes corpus: DIR/images/<split>-<index>.png (64x64 RGB) and
            DIR/manifest.jsonl (replaced if present), one JSON line per image and style:
              {"id","file","split","style","prompt","caption","references":[...],"scene":{...}}
            ids are <split>-<index>-<style>; with --style both every image has two lines
            (short and detailed) that share the image file.

              --out DIR      output directory (created if missing)
              --n N          number of images, 1 to 10000000
              --seed S       scene seed (a 64-bit integer); same arguments give the same bytes.
                             Use different seeds for different splits, e.g. a train seed
                             and a held-out seed.
              --split NAME   split name, letters, digits, '_' or '-' (default: train)
              --style STYLE  short, detailed or both (default: both)
              --help         print this help
            """;

    static final int MAX_N = 10_000_000;
    private static final int PROGRESS_EVERY = 1000;

    private CorpusCommand() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the command; returns the exit status (0 ok, 2 bad arguments, 1 I/O failure). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path dir;
        int n;
        long seed;
        String split;
        List<CaptionStyle> styles;
        try {
            Args a = Args.parse("corpus", args, Set.of("out", "n", "seed", "split", "style"), Set.of("help"));
            if (a.flag("help")) {
                out.print(USAGE);
                return 0;
            }
            a.noPositional();
            if (!a.has("out") || !a.has("n") || !a.has("seed")) {
                throw new IllegalArgumentException("--out, --n and --seed are required");
            }
            dir = Path.of(a.string("out", null));
            n = a.integer("n", 0, 1, MAX_N);
            seed = a.longValue("seed", 0);
            split = parseSplit(a.string("split", "train"));
            styles = parseStyle(a.choice("style", "both", "short", "detailed", "both"));
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help for usage.");
            return 2;
        }
        int total = n;
        long start = System.nanoTime();
        try {
            int lines = new CorpusWriter(seed).write(dir, total, split, styles, done -> {
                if (total >= PROGRESS_EVERY && (done % PROGRESS_EVERY == 0 || done == total)) {
                    double s = (System.nanoTime() - start) / 1e9;
                    err.printf("corpus: %d/%d images (%.0f%%), %.0f images/s%n",
                            done, total, 100.0 * done / total, done / Math.max(s, 1e-9));
                }
            });
            out.printf("wrote %d images and %d manifest lines to %s%n", total, lines, dir.resolve("manifest.jsonl"));
            return 0;
        } catch (IOException e) {
            err.println("error: cannot write corpus to " + dir + ": " + e);
            return 1;
        }
    }

    private static String parseSplit(String v) {
        if (!v.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException(
                    "--split must be letters, digits, '_' or '-', got '" + v + "'");
        }
        return v;
    }

    private static List<CaptionStyle> parseStyle(String v) {
        if (v.equals("both")) {
            return List.of(CaptionStyle.SHORT, CaptionStyle.DETAILED);
        }
        CaptionStyle s = CaptionStyle.fromWord(v);
        if (s == null) {
            throw new IllegalArgumentException("--style must be short, detailed or both, got '" + v + "'");
        }
        return List.of(s);
    }
}
