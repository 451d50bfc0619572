package dvlcap.sweep;

import dvlcap.cli.Args;
import dvlcap.job.SupportedJava;
import dvlcap.cli.BackendFlag;
import dvlcap.cli.ModelFlag;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code dvlcap sweep}: a grid of decoding settings on a corpus with references, into a table and a report. */
public final class SweepCommand {

    static final String HELP = """
            Usage: dvlcap sweep --grid FILE (--corpus DIR | --input DIR --references FILE) --output DIR [options]

            Captions the corpus once per decoding setting of the grid (one engine per setting, in
            this process), scores the captions against the references (BLEU-4, ROUGE-L, CIDEr-D,
            object F1 for a shapes corpus) and measures speed (tokens/s, tokens per forward, latency
            percentiles). Each finished setting is appended to the Parquet table DIR/sweep/ (its
            captions to DIR/sweep_captions/); a rerun with the same output skips the settings already
            there, so an interrupted sweep resumes. Settings the model cannot run (speculative
            decoding of a model without the causal-LM loss, a sub-block that does not divide the
            block) are reported and skipped. At the end DIR/report.html shows CIDEr-D against
            tokens/s with the Pareto front, the table, and sample captions side by side.

            Options:
              --grid FILE               grid file (conf/sweeps/default.yaml; the format is described there)
              --corpus DIR              a corpus directory with manifest.jsonl ('dvlcap corpus')
              --input DIR               a directory of images, with
              --references FILE         a manifest.jsonl whose entries name images under --input
              --output DIR              the sweep's directory (created; reused to resume)
            """ + ModelFlag.HELP + """
              --limit N                 first N entries of the manifest (default: all)
              --warmup N                captions the first N entries untimed before each setting's timed run,
                                        twice, and again while a pass is 10% faster than the one before (at most
                                        4 passes), so no setting pays the JIT's warm-up (default 32; 0 = none)
            """ + BackendFlag.HELP + """
              --help                    this text
            """;

    private SweepCommand() {
    }

    public static void main(String[] argv) {
        // spark-job's classpath carries two SLF4J providers; name the one bin/dvlcap configures, and keep
        // the engine's per-load lines out of the progress (the backend is named in the summary line).
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        System.setProperty("org.slf4j.simpleLogger.log.dvlcap.engine", "warn");
        int status;
        try {
            status = run(argv, System.out, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("dvlcap sweep: " + e.getMessage());
            status = 2;
        } catch (IOException | RuntimeException e) {
            System.err.println("dvlcap sweep: " + e);
            status = 1;
        }
        System.exit(status);
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) throws IOException {
        Args a = Args.parse("sweep", argv, Set.of("grid", "corpus", "input", "references", "output", ModelFlag.NAME,
                "limit", "warmup", BackendFlag.NAME, BackendFlag.HEAP_WEIGHTS), Set.of("help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        a.noPositional();
        SupportedJava.problem().ifPresent(why -> {
            throw new Args.UsageException(why);
        });
        dvlcap.backend.BackendRequest backend = BackendFlag.request(a); // before any file is read: a bad value is reported at once
        Path model = ModelFlag.path(a);
        SweepGrid grid = GridFile.read(Path.of(a.required("grid")));
        Path output = Path.of(a.required("output"));
        int limit = a.integer("limit", Integer.MAX_VALUE, 1);
        SweepCorpus corpus;
        if (a.has("corpus") == a.has("input")) {
            throw new Args.UsageException("give either --corpus DIR or --input DIR --references FILE");
        }
        if (a.has("corpus")) {
            corpus = SweepCorpus.ofCorpus(Path.of(a.string("corpus", null)), limit);
        } else {
            corpus = SweepCorpus.ofImages(Path.of(a.string("input", null)),
                    Path.of(a.required("references")), limit);
        }
        SweepTable table = new SweepTable(output);
        SweepRunner runner = new SweepRunner(model, backend, a.integer("warmup", 32, 0), table, err);
        SweepRunner.Summary s = runner.run(grid, corpus);
        Path report = SweepReport.write(table, corpus);
        out.printf("sweep: ran %d settings, %d were already in the table, %d skipped%n", s.ran(), s.alreadyDone(),
                s.skipped().size());
        out.println("table:  " + output.resolve(SweepTable.SWEEP_DIR) + " (captions: "
                + output.resolve(SweepTable.CAPTIONS_DIR) + ")");
        out.println("report: " + report.toAbsolutePath());
        return 0;
    }
}
