package dvlcap.trainer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dvlcap.backend.BackendRequest;
import dvlcap.cli.Args;
import dvlcap.cli.BackendFlag;
import dvlcap.cli.BatchSizeFlag;
import dvlcap.cli.ModelFlag;
import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.decode.RemaskingKind;
import dvlcap.engine.CaptionEngine;
import dvlcap.engine.CaptionProvenance;
import dvlcap.engine.CaptionRequest;
import dvlcap.engine.CaptionResult;
import dvlcap.engine.EngineOptions;
import dvlcap.image.ImageDecoder;
import dvlcap.image.VisionInput;
import dvlcap.model.DecodingDefaults;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.ModelDirectory;
import dvlcap.quality.CaptionMetrics;
import dvlcap.quality.CaptionScores;
import dvlcap.quality.Manifest;
import dvlcap.quality.ManifestEntry;
import dvlcap.trainer.corpus.CaptionParser;
import dvlcap.trainer.corpus.CaptionStyle;
import dvlcap.trainer.corpus.ObjectF1;
import dvlcap.trainer.corpus.SceneJson;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code dvlcap eval}: quality (BLEU-4, CIDEr-D, ROUGE-L, object F1) and speed (tokens/s, tokens
 * per forward, forwards per image) of AR decoding and of block decoding, static and dynamic at
 * several thresholds, speculative and sub-block decoding (Fast-dVLM), on a shapes corpus. Every configuration runs in the same process on the
 * same images, so the speed ratios are fair.
 */
public final class EvalCommand {
    static final String HELP = """
            Usage: dvlcap eval [--model DIR] --corpus DIR [options]

            Captions the corpus's images (manifest.jsonl written by 'dvlcap corpus') with each
            decoding configuration and prints quality and speed per configuration: AR decoding,
            block decoding with static remasking, dynamic remasking at each --thresholds value,
            and for a model trained with the causal-LM loss (Fast-dVLM's recipe, causal_lm_loss in
            config.json) speculative block decoding and sub-block denoising at each
            --sub-block-thresholds value. An autoregressive model is evaluated with AR decoding
            only. When AR decoding runs, every other configuration also reports how many of its
            captions are identical to the AR captions (speculative decoding must give all of them).

            Options:
            """ + ModelFlag.HELP + """
              --corpus DIR              corpus directory with manifest.jsonl (required)
              --limit N                 first N manifest entries (default: all)
              --warmup N                captions the first N entries untimed before each configuration's timed
                                        run, twice, and again while a pass is 10% faster than the one before (at
                                        most 4 passes), so that no configuration pays the JIT's warm-up for the
                                        others (default 32; 0 = none)
            """ + BatchSizeFlag.HELP + """
              --max-new-tokens N        longest answer (default 96)
              --block-size N            block size (default: the model's)
              --thresholds LIST         dynamic thresholds (default 0.5,0.7,0.85,0.95)
              --configs LIST            which to run among ar,static,dynamic,speculative,subblock (default
                                        ar,static,dynamic; ar,speculative,subblock for a model trained with the
                                        causal-LM loss)
              --sub-block N             sub-block size of the subblock configuration (default 8, or the block
                                        size when 8 does not divide it)
              --sub-block-thresholds LIST  thresholds of the subblock configuration (default 0.9)
            """ + BackendFlag.HELP + """
              --json                    one JSON object per configuration instead of a table
              --help                    this text
            """;


    private EvalCommand() {
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) throws IOException {
        Args a = Args.parse("eval", argv, Set.of(ModelFlag.NAME, "corpus", "limit", "warmup", BatchSizeFlag.NAME,
                "max-new-tokens", "block-size", "thresholds", "configs", BackendFlag.NAME, BackendFlag.HEAP_WEIGHTS, "sub-block",
                "sub-block-thresholds"),
                Set.of("json", "help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        a.noPositional();
        // every flag is read before any file is: a mistake is reported at once, the same way as elsewhere
        BackendRequest backend = BackendFlag.request(a);
        int batch = BatchSizeFlag.of(a);
        Path model = ModelFlag.path(a);
        Path corpus = Path.of(a.required("corpus"));
        Path manifestFile = corpus.resolve("manifest.jsonl");
        if (!Files.isRegularFile(manifestFile)) {
            throw new Args.UsageException("no manifest.jsonl in " + corpus + " (write one with 'dvlcap corpus')");
        }
        Manifest manifest = Manifest.read(manifestFile);
        int limit = a.integer("limit", manifest.entries().size(), 1);
        List<ManifestEntry> entries = manifest.entries().subList(0, Math.min(limit, manifest.entries().size()));
        int warmup = a.integer("warmup", 32, 0);
        int maxNew = a.integer("max-new-tokens", 96, 1);
        int blockSize = a.integer("block-size", 0, 1);
        List<Float> thresholds = numbers(a.string("thresholds", "0.5,0.7,0.85,0.95"), "--thresholds");
        List<Float> subThresholds = numbers(a.string("sub-block-thresholds", "0.9"), "--sub-block-thresholds");
        DecodingDefaults decoding = ModelConfigReader.read(model.resolve(ModelDirectory.CONFIG)).decoding();
        boolean diffusion = decoding.isDiffusion();
        Set<String> configs = Set.of(a.string("configs", decoding.causalLm() ? "ar,speculative,subblock"
                : "ar,static,dynamic").split(","));
        for (String c : configs) {
            if (!CONFIGS.contains(c)) {
                throw new Args.UsageException("--configs must list ar, static, dynamic, speculative or subblock, got '"
                        + c + "'");
            }
        }
        int block = blockSize == 0 ? decoding.blockSize() : blockSize;
        int subBlock = a.integer("sub-block", block % 8 == 0 ? 8 : block, 1);

        DecodingSettings base = DecodingSettings.defaults().withMaxNewTokens(maxNew).withBlock(blockSize, 0);
        List<Map.Entry<String, DecodingSettings>> runs = new ArrayList<>();
        if (configs.contains("ar")) {
            runs.add(Map.entry("ar", base.withDecoder(DecoderKind.AR)));
        }
        if (diffusion && configs.contains("static")) {
            runs.add(Map.entry("block static", base.withRemasking(RemaskingKind.STATIC, 0)));
        }
        if (diffusion && configs.contains("dynamic")) {
            for (float t : thresholds) {
                runs.add(Map.entry(String.format(Locale.ROOT, "block dynamic %.2f", t),
                        base.withRemasking(RemaskingKind.DYNAMIC, t)));
            }
        }
        if (diffusion && configs.contains("speculative")) {
            runs.add(Map.entry("speculative", base.withDecoder(DecoderKind.SPECULATIVE)));
        }
        if (diffusion && configs.contains("subblock")) {
            for (float t : subThresholds) {
                runs.add(Map.entry(String.format(Locale.ROOT, "sub-block %d %.2f", subBlock, t),
                        base.withSubBlock(subBlock, t)));
            }
        }
        if (!a.flag("json")) {
            out.printf(Locale.ROOT, "# dvlcap eval: %s on %s (%d captions)%n", model, corpus, entries.size());
            out.println("config                 BLEU-4  CIDEr-D  ROUGE-L  objF1   tok/s   tok/fwd  fwd/cap  cap/s  "
                    + "tok/vrf  =ar");
        }
        ObjectMapper json = new ObjectMapper();
        List<CaptionResult> arResults = null;
        for (Map.Entry<String, DecodingSettings> r : runs) {
            Outcome o;
            try {
                o = evaluateWithResults(r.getKey(), model, manifest, entries, new EngineOptions(r.getValue(), batch, backend),
                        warmup, err);
            } catch (IllegalArgumentException e) {
                throw e instanceof Args.UsageException u ? u : new Args.UsageException(r.getKey() + ": " + e.getMessage());
            }
            EvalRun run = o.run();
            if (r.getValue().decoder() == DecoderKind.AR) {
                arResults = o.results();
            } else if (arResults != null) {
                run = run.withIdenticalToAr(identical(arResults, o.results()));
            }
            if (a.flag("json")) {
                out.println(json.writeValueAsString(run));
            } else {
                CaptionScores s = run.scores();
                out.printf(Locale.ROOT, "%-22s %6.4f  %7.4f  %7.4f  %6.4f  %6.1f  %7.3f  %7.2f  %5.2f  %7s  %s%n", run.name(),
                        s.bleu4(), s.ciderD(), s.rougeL(), run.objectF1(), run.tokensPerSecond(),
                        run.tokensPerForward(), run.forwardsPerCaption(), run.captionsPerSecond(),
                        run.tokensPerVerify() == null ? "-" : String.format(Locale.ROOT, "%.2f", run.tokensPerVerify()),
                        run.identicalToAr() == null ? "-" : run.identicalToAr() + "/" + run.captions());
            }
            out.flush();
        }
        return 0;
    }

    private static final Set<String> CONFIGS = Set.of("ar", "static", "dynamic", "speculative", "subblock");

    private static List<Float> numbers(String list, String flag) {
        List<Float> out = new ArrayList<>();
        for (String t : list.split(",")) {
            try {
                out.add(Float.parseFloat(t.trim()));
            } catch (NumberFormatException e) {
                throw new Args.UsageException(flag + " must be numbers separated by commas, got '" + t + "'");
            }
        }
        return out;
    }

    /** How many captions have the same answer tokens in both runs (same entries, same order). */
    static int identical(List<CaptionResult> a, List<CaptionResult> b) {
        int n = 0;
        for (int i = 0; i < a.size(); i++) {
            n += Arrays.equals(a.get(i).tokens(), b.get(i).tokens()) ? 1 : 0;
        }
        return n;
    }

    /**
     * One configuration's scores and the captions they were computed from.
     *
     * @param latencyMs per caption, in entry order: milliseconds from handing all images to the
     *        engine at once to that caption's result (so it includes the wait for a batch slot)
     * @param provenance the model, backend and effective settings the engine ran with
     */
    public record Outcome(EvalRun run, List<CaptionResult> results, double[] latencyMs, CaptionProvenance provenance) {
    }

    /** Told each time a caption is finished, from the engine's thread. */
    public interface CaptionProgress {
        void captioned(int done, int total);
    }

    /** Captions {@code entries} with one configuration and scores them. */
    public static EvalRun evaluate(String name, Path model, Manifest manifest, List<ManifestEntry> entries,
                                   EngineOptions options, PrintStream progress) throws IOException {
        return evaluateWithResults(name, model, manifest, entries, options, 0, progress).run();
    }

    /**
     * The same, with the captions. The first {@code warmup} entries are captioned untimed first,
     * again until the JIT has settled ({@link JitWarmup}), so that every configuration's tokens/s is
     * measured with its code compiled (the first configuration of a process would otherwise pay the
     * JIT for all of them).
     */
    public static Outcome evaluateWithResults(String name, Path model, Manifest manifest, List<ManifestEntry> entries,
                                              EngineOptions options, int warmup, PrintStream progress)
            throws IOException {
        return evaluateWithResults(name, model, manifest, entries, options, warmup, progress, (done, total) -> {
        });
    }

    /**
     * The same, telling {@code perCaption} as the timed captions finish. The object F1 is the mean
     * over the entries that have a scene, NaN when none has (a corpus that is not a shapes corpus).
     */
    public static Outcome evaluateWithResults(String name, Path model, Manifest manifest, List<ManifestEntry> entries,
                                              EngineOptions options, int warmup, PrintStream progress,
                                              CaptionProgress perCaption) throws IOException {
        ImageDecoder decoder = new ImageDecoder();
        try (CaptionEngine engine = CaptionEngine.load(model, options)) {
            Map<Path, VisionInput> pixels = new LinkedHashMap<>();
            List<CaptionRequest> requests = new ArrayList<>();
            for (ManifestEntry e : entries) {
                Path file = manifest.image(e);
                VisionInput px = pixels.get(file);
                if (px == null) {
                    px = engine.preprocessor().preprocess(decoder.decode(Files.readAllBytes(file), file.toString()));
                    pixels.put(file, px);
                }
                requests.add(new CaptionRequest(e.id(), px, e.prompt()));
            }
            int warmPasses = 0;
            if (warmup > 0) {
                List<CaptionRequest> warm = requests.subList(0, Math.min(warmup, requests.size()));
                warmPasses = JitWarmup.run(() -> engine.captionAll(warm));
            }
            long t0 = System.nanoTime();
            double[] latencyMs = new double[requests.size()];
            AtomicInteger done = new AtomicInteger();
            List<CompletableFuture<CaptionResult>> futures = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                int row = i;
                futures.add(engine.submit(requests.get(i)).whenComplete((r, e) -> {
                    latencyMs[row] = (System.nanoTime() - t0) / 1e6;
                    perCaption.captioned(done.incrementAndGet(), requests.size());
                }));
            }
            List<CaptionResult> results = new ArrayList<>();
            futures.forEach(f -> results.add(f.join()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            List<String> hyps = new ArrayList<>();
            List<List<String>> refs = new ArrayList<>();
            double f1 = 0;
            int scenes = 0;
            long tokens = 0, forwards = 0, blocks = 0, verifyingTokens = 0, verifying = 0;
            for (int i = 0; i < entries.size(); i++) {
                ManifestEntry e = entries.get(i);
                CaptionResult r = results.get(i);
                hyps.add(r.caption());
                refs.add(e.references());
                if (e.sceneJson() != null) {
                    f1 += ObjectF1.objects(CaptionParser.parse(r.caption()).objects(), SceneJson.fromJson(e.sceneJson()),
                            CaptionStyle.fromWord(e.style())).f1();
                    scenes++;
                }
                tokens += r.counters().generatedTokens();
                forwards += r.counters().forwardPasses();
                blocks += r.counters().blocks();
                if (r.counters().blocks() > 0) {
                    verifyingTokens += r.counters().generatedTokens();
                    verifying++;
                }
            }
            CaptionScores scores = CaptionMetrics.score(hyps, refs);
            DecodingSettings s = options.settings();
            progress.printf(Locale.ROOT, "eval %s: %d captions in %.1f s (after %d warm-up passes)%n", name, entries.size(),
                    seconds, warmPasses);
            Double perVerify = s.decoder().tokensPerVerify(verifyingTokens, verifying, blocks);
            EvalRun run = new EvalRun(name, s.decoder().name().toLowerCase(Locale.ROOT), engine.blockSize(),
                    engine.steps(), s.remasking().name().toLowerCase(Locale.ROOT), s.threshold(), s.subBlock(),
                    entries.size(), scores, scenes == 0 ? Double.NaN : f1 / scenes, tokens / seconds, (double) tokens / forwards,
                    (double) forwards / entries.size(), entries.size() / seconds, seconds, perVerify, null);
            return new Outcome(run, results, latencyMs, engine.provenance());
        }
    }
}
