package dvlcap.job;

import dvlcap.cli.Args;
import dvlcap.cli.BackendFlag;
import dvlcap.cli.BatchSizeFlag;
import dvlcap.cli.DecodingFlags;
import dvlcap.cli.KvBudgetFlag;
import dvlcap.cli.ModelFlag;
import dvlcap.decode.DecodingSettings;
import dvlcap.engine.KvBudget;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the {@code dvlcap job} command line into {@link JobOptions} with the one {@link Args}
 * parser every command uses: {@code --x y} and {@code --x=y} alike, and the shared flag groups
 * (model, decoding, batch size, backend, KV budget) read by the same code as in caption, bench,
 * eval and sweep. Every bad value is a {@link UsageException} whose message names the option and
 * what it allows; nothing is half-parsed.
 */
public final class JobOptionsParser {

    /** One option of the job's own: its name, value placeholder (null for flags) and help line. */
    record Option(String name, String value, String help) {
    }

    /** The job's own options; the shared groups' help comes from their classes. */
    static final List<Option> OPTIONS = List.of(
            new Option("--input", "PATH", "image files (a directory, searched recursively for image extensions, or "
                    + "a glob) or a Parquet table with a binary image column; local, hdfs:// or s3a:// (required)"),
            new Option("--input-format", "auto|images|parquet", "how to read --input (default auto: parquet when the "
                    + "path ends in .parquet or the directory holds .parquet files)"),
            new Option("--image-column", "NAME", "binary image column of a Parquet input (default image; "
                    + "img2dataset writes jpg)"),
            new Option("--id-column", "NAME", "id column of a Parquet input (default: the first of id, key, url)"),
            new Option("--output", "DIR", "output directory: captions/ and metrics/ Parquet tables, _SUCCESS "
                    + "(required; must not hold captions unless --resume)"),
            new Option("--model-cache", "DIR", "local directory for copies of remote models: a --model on hdfs:// or "
                    + "s3a:// is copied once per executor (default $TMPDIR/dvlcap-models)"),
            new Option("--prompt", "TEXT", "user prompt (default: the model's caption prompt)"),
            new Option("--references", "FILE", "manifest.jsonl with reference captions (fields id, file, "
                    + "caption, references); adds BLEU, ROUGE-L and CIDEr-D to the metrics"),
            new Option("--partitions", "N", "number of tasks (default: from the input size and parallelism)"),
            new Option("--resume", null, "append to an existing output, captioning only ids not yet in it"),
            new Option("--limit", "N", "caption only the first N images by id, >= 1"),
            new Option("--master", "URL", "Spark master (default local[*]; ignored under spark-submit)"),
            new Option("--progress-seconds", "S", "seconds between progress lines, 0 = none (default 5)"),
            new Option("--show", "N", "print the first N captions of the run (by id) after the summary (default 10)"),
            new Option("--report", null, "after a successful run, write the HTML report ('dvlcap report': metrics, "
                    + "histograms, error rows, a gallery of the first 200 images) to OUTPUT/report.html, remote "
                    + "outputs included"),
            new Option("--conf", "KEY=VALUE", "extra Spark setting, repeatable (e.g. spark.hadoop.fs.s3a.endpoint=...)"),
            new Option("--help", null, "print this help"));

    /** Flags with a value: the job's own and the shared groups'. */
    static final Set<String> VALUED;
    /** Flags without one. */
    static final Set<String> SWITCHES;

    static {
        Set<String> valued = new HashSet<>(DecodingFlags.VALUED);
        valued.addAll(Set.of(ModelFlag.NAME, BatchSizeFlag.NAME, BackendFlag.NAME, BackendFlag.HEAP_WEIGHTS, KvBudgetFlag.NAME));
        Set<String> switches = new HashSet<>();
        for (Option o : OPTIONS) {
            (o.value() == null ? switches : valued).add(o.name().substring(2));
        }
        VALUED = Set.copyOf(valued);
        SWITCHES = Set.copyOf(switches);
    }

    private JobOptionsParser() {
    }

    /** The help text of {@code dvlcap job}. */
    public static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: dvlcap job --input PATH --output DIR [--model DIR] [options]\n\n");
        sb.append("Captions an image corpus with a Spark job and writes Parquet tables.\n\nOptions:\n");
        for (Option o : OPTIONS) {
            if (o.name().equals("--help")) {
                continue;
            }
            line(sb, o.name() + (o.value() == null ? "" : " " + o.value()), o.help());
        }
        sb.append("\nEngine options (the same in caption, bench, eval and sweep):\n");
        sb.append(ModelFlag.HELP).append(DecodingFlags.HELP);
        sb.append(BatchSizeFlag.HELP.replace("most images decoded together",
                "images each task hands to the engine at once and the engine's largest batch"));
        sb.append(BackendFlag.HELP).append(KvBudgetFlag.HELP);
        line(sb, "--help", "print this help");
        return sb.toString();
    }

    /** One option in the layout the shared groups use: names from column 2, text from column 28, 100 wide. */
    private static void line(StringBuilder sb, String head, String text) {
        String indent = " ".repeat(28);
        StringBuilder row = new StringBuilder("  " + head);
        row.append(row.length() <= 26 ? " ".repeat(28 - row.length()) : "\n" + indent);
        int width = row.length() - row.lastIndexOf("\n") - 1;
        for (String word : text.split(" ")) {
            if (width > 28 && width + 1 + word.length() > 100) {
                row.append('\n').append(indent);
                width = 28;
            } else if (width > 28) {
                row.append(' ');
                width++;
            }
            row.append(word);
            width += word.length();
        }
        sb.append(row).append('\n');
    }

    /** True if {@code args} ask for help. */
    public static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    public static JobOptions parse(String... args) throws UsageException {
        try {
            return parse(Args.parse("job", args, VALUED, SWITCHES, Set.of("conf")));
        } catch (IllegalArgumentException e) { // Args.UsageException, and settings the records reject
            throw new UsageException(e.getMessage());
        }
    }

    private static JobOptions parse(Args a) {
        a.noPositional();
        String input = a.required("input");
        String output = a.required("output");
        String model = ModelFlag.location(a);
        JobOptions.InputFormat format = JobOptions.InputFormat.valueOf(
                a.choice("input-format", "auto", "auto", "images", "parquet").toUpperCase(Locale.ROOT));
        DecodingSettings decoding = DecodingFlags.settings(a);
        int batchSize = BatchSizeFlag.of(a);
        int partitions = a.integer("partitions", 0, 1);
        long limit = a.longValue("limit", 0, 1);
        dvlcap.backend.BackendRequest backend = BackendFlag.request(a);
        KvBudget kvBudget = KvBudgetFlag.of(a);
        double progress = a.real("progress-seconds", 5, 0, Double.MAX_VALUE);
        Map<String, String> conf = new LinkedHashMap<>();
        for (String kv : a.all("conf")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new Args.UsageException("--conf needs KEY=VALUE, got '" + kv + "'");
            }
            conf.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        String cache = a.string("model-cache", Path.of(System.getProperty("java.io.tmpdir"), "dvlcap-models").toString());
        return new JobOptions(input, format, a.string("image-column", "image"), a.string("id-column", null), output,
                model, cache, decoding, batchSize, a.string("prompt", null), a.string("references", null), partitions,
                a.flag("resume"), limit, a.string("master", "local[*]"), backend, kvBudget, progress, conf,
                a.integer("show", 10, 0), a.flag("report"));
    }
}
