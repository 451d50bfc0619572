package dvlcap.job;

import dvlcap.model.EmbeddedModels;

import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.decode.RemaskingKind;
import dvlcap.engine.KvBudget;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the {@code dvlcap job} command line into {@link JobOptions}. Every bad value is a
 * {@link UsageException} whose message names the option and what it allows; nothing is half-parsed.
 */
public final class JobOptionsParser {

    /** One option: its name, value placeholder (null for flags) and help line. */
    record Option(String name, String value, String help) {
    }

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
            new Option("--model", "DIR", "model directory (Hugging Face layout); local, hdfs:// or s3a://, copied "
                    + "once per executor into --model-cache (default: the embedded models/shapes-dvlm)"),
            new Option("--model-cache", "DIR", "local directory for copies of remote models (default "
                    + "$TMPDIR/dvlcap-models)"),
            new Option("--decoder", "block|ar|speculative", "block diffusion, the autoregressive baseline, or Fast-dVLM's "
                    + "speculative blocks (greedy; models trained with the causal-LM loss) (default block)"),
            new Option("--block-size", "N", "tokens per block, >= 1 (default: the model's)"),
            new Option("--steps", "N", "denoising steps per block, >= 1 (default: the block size)"),
            new Option("--remasking", "static|dynamic", "low-confidence remasking (default dynamic)"),
            new Option("--threshold", "T", "confidence threshold of dynamic remasking (default 0.85)"),
            new Option("--sub-block", "N", "denoise each block N positions at a time: every mask above --threshold, "
                    + "else the most confident (Fast-dVLM's MDM mode; 0 = off, default)"),
            new Option("--max-new-tokens", "N", "answer length bound, >= 1 (default 128)"),
            new Option("--temperature", "T", "sampling temperature, >= 0; 0 is greedy (default 0)"),
            new Option("--top-k", "K", "top-k sampling, 0 = off (default 0)"),
            new Option("--top-p", "P", "nucleus sampling in (0, 1] (default 1)"),
            new Option("--seed", "N", "sampling seed, mixed with each image id (default 0)"),
            new Option("--batch-size", "N", "images each task hands to the engine at once and the engine's "
                    + "largest batch, >= 1 (default 16)"),
            new Option("--prompt", "TEXT", "user prompt (default: the model's caption prompt)"),
            new Option("--references", "FILE", "manifest.jsonl with reference captions (fields id, file, "
                    + "caption, references); adds BLEU, ROUGE-L and CIDEr-D to the metrics"),
            new Option("--partitions", "N", "number of tasks (default: from the input size and parallelism)"),
            new Option("--resume", null, "append to an existing output, captioning only ids not yet in it"),
            new Option("--limit", "N", "caption only the first N images by id, >= 1"),
            new Option("--master", "URL", "Spark master (default local[*]; ignored under spark-submit)"),
            new Option("--backend", "auto|cpu|cuda", "engine backend (default auto: CUDA where a GPU is "
                    + "usable, else CPU)"),
            new Option("--kv-budget", "SIZE", "memory of each engine's KV pool, which decides how many images decode "
                    + "at once: " + KvBudget.HELP + " (default auto: a quarter of the free heap on CPU, 70% of free "
                    + "device memory on CUDA)"),
            new Option("--progress-seconds", "S", "seconds between progress lines, 0 = none (default 5)"),
            new Option("--show", "N", "print the first N captions of the run (by id) after the summary (default 10)"),
            new Option("--report", null, "after a successful run, write the HTML report ('dvlcap report': metrics, "
                    + "histograms, error rows, a gallery of the first 200 images) to OUTPUT/report.html, remote "
                    + "outputs included"),
            new Option("--conf", "KEY=VALUE", "extra Spark setting, repeatable (e.g. spark.hadoop.fs.s3a.endpoint=...)"),
            new Option("--help", null, "print this help"));

    private JobOptionsParser() {
    }

    /** The help text of {@code dvlcap job}. */
    public static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: dvlcap job --input PATH --output DIR [--model DIR] [options]\n\n");
        sb.append("Captions an image corpus with a Spark job and writes Parquet tables.\n\nOptions:\n");
        for (Option o : OPTIONS) {
            String head = "  " + o.name() + (o.value() == null ? "" : " " + o.value());
            if (head.length() > 33) {
                sb.append(head).append('\n').append(" ".repeat(35)).append(o.help()).append('\n');
            } else {
                sb.append(String.format(Locale.ROOT, "%-34s %s%n", head, o.help()));
            }
        }
        return sb.toString();
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
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> conf = new LinkedHashMap<>();
        boolean resume = false;
        boolean report = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            Option option = find(name);
            if (option == null) {
                throw new UsageException("unknown option " + arg + " (see --help)");
            }
            if (option.value() == null) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                if (name.equals("--resume")) {
                    resume = true;
                } else if (name.equals("--report")) {
                    report = true;
                }
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value: " + option.value());
                }
                value = args[++i];
            }
            if (name.equals("--conf")) {
                int kv = value.indexOf('=');
                if (kv <= 0) {
                    throw new UsageException("--conf needs KEY=VALUE, got '" + value + "'");
                }
                conf.put(value.substring(0, kv), value.substring(kv + 1));
            } else if (values.put(name, value) != null) {
                throw new UsageException(name + " given twice");
            }
        }
        DecodingSettings d = DecodingSettings.defaults();
        String input = required(values, "--input");
        String output = required(values, "--output");
        String model = values.containsKey("--model") ? values.get("--model")
                : EmbeddedModels.find(EmbeddedModels.DEFAULT).map(Object::toString).orElseThrow(() -> new UsageException(
                        "--model is required (the embedded models/" + EmbeddedModels.DEFAULT + " was not found)"));
        JobOptions.InputFormat format = choice(values, "--input-format", JobOptions.InputFormat.class,
                JobOptions.InputFormat.AUTO);
        DecoderKind decoder = choice(values, "--decoder", DecoderKind.class, d.decoder());
        RemaskingKind remasking = choice(values, "--remasking", RemaskingKind.class, d.remasking());
        int blockSize = intValue(values, "--block-size", 1, d.blockSize());
        int steps = intValue(values, "--steps", 1, d.steps());
        float threshold = floatValue(values, "--threshold", d.threshold());
        int maxNewTokens = intValue(values, "--max-new-tokens", 1, d.maxNewTokens());
        float temperature = floatValue(values, "--temperature", d.temperature());
        if (temperature < 0) {
            throw new UsageException("--temperature must be >= 0 (0 is greedy), got " + temperature);
        }
        int topK = intValue(values, "--top-k", 0, d.topK());
        float topP = floatValue(values, "--top-p", d.topP());
        if (!(topP > 0 && topP <= 1)) {
            throw new UsageException("--top-p must be in (0, 1], got " + topP);
        }
        long seed = longValue(values, "--seed", Long.MIN_VALUE, d.seed());
        int subBlock = intValue(values, "--sub-block", 0, d.subBlock());
        DecodingSettings decoding = new DecodingSettings(decoder, blockSize, steps, remasking, threshold, maxNewTokens,
                temperature, topK, topP, seed, subBlock);
        int batchSize = intValue(values, "--batch-size", 1, 16);
        int partitions = intValue(values, "--partitions", 1, 0);
        long limit = longValue(values, "--limit", 1, 0);
        String backend = values.getOrDefault("--backend", "auto").toLowerCase(Locale.ROOT);
        if (!List.of("auto", "cpu", "cuda").contains(backend)) {
            throw new UsageException("--backend must be one of auto, cpu, cuda, got '" + values.get("--backend") + "'");
        }
        KvBudget kvBudget;
        try {
            kvBudget = KvBudget.parse(values.getOrDefault("--kv-budget", "auto"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        double progress = doubleValue(values, "--progress-seconds", 5);
        if (progress < 0) {
            throw new UsageException("--progress-seconds must be >= 0, got " + progress);
        }
        String cache = values.getOrDefault("--model-cache",
                Path.of(System.getProperty("java.io.tmpdir"), "dvlcap-models").toString());
        return new JobOptions(input, format, values.getOrDefault("--image-column", "image"),
                values.get("--id-column"), output, model, cache, decoding, batchSize, values.get("--prompt"),
                values.get("--references"), partitions, resume, limit, values.getOrDefault("--master", "local[*]"),
                backend, kvBudget, progress, conf, intValue(values, "--show", 0, 10), report);
    }

    private static Option find(String name) {
        if (name.equals("-h")) {
            name = "--help";
        }
        for (Option o : OPTIONS) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        return null;
    }

    private static String required(Map<String, String> values, String name) throws UsageException {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException(name + " is required: " + find(name).help());
        }
        return v;
    }

    private static <E extends Enum<E>> E choice(Map<String, String> values, String name, Class<E> type, E dflt)
            throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException(name + " must be one of " + find(name).value().replace('|', ',').replace(",", ", ")
                    + ", got '" + v + "'");
        }
    }

    private static int intValue(Map<String, String> values, String name, int min, int dflt) throws UsageException {
        long v = longValue(values, name, min, dflt);
        if (v > Integer.MAX_VALUE) {
            throw new UsageException(name + " must be at most " + Integer.MAX_VALUE + ", got " + v);
        }
        return (int) v;
    }

    private static long longValue(Map<String, String> values, String name, long min, long dflt) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        long x;
        try {
            x = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number" + (min == Long.MIN_VALUE ? "" : " >= " + min)
                    + ", got '" + v + "'");
        }
        if (x < min) {
            throw new UsageException(name + " must be >= " + min + ", got " + x);
        }
        return x;
    }

    private static float floatValue(Map<String, String> values, String name, float dflt) throws UsageException {
        return (float) doubleValue(values, name, dflt);
    }

    private static double doubleValue(Map<String, String> values, String name, double dflt) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            double x = Double.parseDouble(v.trim());
            if (Double.isNaN(x) || Double.isInfinite(x)) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number, got '" + v + "'");
        }
    }
}
