package dvlcap.sweep;

import dvlcap.decode.SequenceFactory;
import dvlcap.engine.CaptionProvenance;
import dvlcap.engine.CaptionResult;
import dvlcap.engine.EngineOptions;
import dvlcap.model.DecodingDefaults;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.ModelDirectory;
import dvlcap.model.ModelIdentity;
import dvlcap.quality.ManifestEntry;
import dvlcap.schemas.SweepCaptionsTableSchema;
import dvlcap.schemas.SweepTableSchema;
import dvlcap.trainer.eval.EvalCommand;
import dvlcap.trainer.eval.EvalRun;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs a grid's settings on a corpus with eval's machinery, one engine per setting in this process,
 * and appends each finished setting to the sweep table. Settings already in the table are not run
 * again; settings the model cannot run are reported and left out.
 */
public final class SweepRunner {

    /** What a sweep did: settings run now, found in the table, and left out with the reason. */
    public record Summary(int ran, int alreadyDone, Map<String, String> skipped) {
    }

    private final Path model;
    private final dvlcap.backend.BackendRequest backend;
    private final SweepTable table;
    private final PrintStream progress;
    private final int warmup;

    /** @param warmup entries captioned untimed before each setting's timed run (eval's --warmup) */
    public SweepRunner(Path model, dvlcap.backend.BackendRequest backend, int warmup, SweepTable table, PrintStream progress) {
        this.model = model;
        this.backend = backend;
        this.warmup = warmup;
        this.table = table;
        this.progress = progress;
    }

    /** The hash that keys a setting's row: the setting, the model and the corpus. */
    public static String settingsHash(SweepSetting s, ModelIdentity model, SweepCorpus corpus) {
        MessageDigest sha = SweepCorpus.sha256();
        sha.update((s.canonical() + "|" + model.hash() + "|" + corpus.hash()).getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    public Summary run(SweepGrid grid, SweepCorpus corpus) throws IOException {
        ModelIdentity identity = ModelIdentity.of(model);
        DecodingDefaults decoding = ModelConfigReader.read(model.resolve(ModelDirectory.CONFIG)).decoding();
        Set<String> done = table.finished();
        Map<String, String> skipped = new LinkedHashMap<>();
        List<SweepSetting> pending = new ArrayList<>();
        int already = 0;
        for (SweepSetting s : grid.settings()) {
            try {
                new SequenceFactory(s.decodingSettings(), decoding); // what the engine would refuse, refused now
            } catch (IllegalArgumentException e) {
                skipped.put(s.label(), e.getMessage());
                progress.printf("sweep: skipping '%s': %s%n", s.label(), e.getMessage());
                continue;
            }
            if (done.contains(settingsHash(s, identity, corpus))) {
                already++;
            } else {
                pending.add(s);
            }
        }
        int n = corpus.entries().size();
        progress.printf(Locale.ROOT, "sweep: %d settings in %s, %d already in %s, %d skipped, %d to run on %d captions%n",
                grid.settings().size(), grid.source(), already, table.dir(), skipped.size(), pending.size(), n);
        long start = System.nanoTime();
        for (int i = 0; i < pending.size(); i++) {
            SweepSetting s = pending.get(i);
            int index = i;
            long[] lastPrint = {0};
            EvalCommand.Outcome o;
            try {
                o = EvalCommand.evaluateWithResults(s.label(), model, corpus.manifest(), corpus.entries(),
                        new EngineOptions(s.decodingSettings(), s.batchSize(), backend), warmup, new PrintStream(OutputStream.nullOutputStream()),
                        (captioned, total) -> {
                            long now = System.nanoTime();
                            if (captioned == total || now - lastPrint[0] > 1_000_000_000L) {
                                lastPrint[0] = now;
                                progress.println(progressLine(index, pending.size(), s, captioned, total, start, now));
                            }
                        });
            } catch (RuntimeException e) {
                throw new IllegalStateException("setting '" + s.label() + "' failed: " + e.getMessage(), e);
            }
            String hash = settingsHash(s, identity, corpus);
            table.append(row(hash, s, corpus, o), captions(hash, corpus.entries(), o));
        }
        return new Summary(pending.size(), already, skipped);
    }

    /** "sweep [3/10] static b8 s4 x16: 5/8 captions, ETA 0:12": the ETA from captions per second so far. */
    static String progressLine(int index, int settings, SweepSetting s, int captioned, int total, long startNs,
                               long nowNs) {
        long doneAll = (long) index * total + captioned;
        long all = (long) settings * total;
        double elapsed = (nowNs - startNs) / 1e9;
        long eta = Math.round(elapsed / doneAll * (all - doneAll));
        return String.format(Locale.ROOT, "sweep [%d/%d] %s: %d/%d captions, %.1f s elapsed, ETA %d:%02d",
                index + 1, settings, s.label(), captioned, total, elapsed, eta / 60, eta % 60);
    }

    private static Map<String, Object> row(String hash, SweepSetting s, SweepCorpus corpus, EvalCommand.Outcome o) {
        EvalRun r = o.run();
        CaptionProvenance p = o.provenance();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(SweepTableSchema.SETTINGS_HASH, hash);
        row.put(SweepTableSchema.SETTING, s.label());
        row.put(SweepTableSchema.DECODER, p.decoder());
        row.put(SweepTableSchema.BLOCK_SIZE, p.blockSize());
        row.put(SweepTableSchema.STEPS, p.steps());
        row.put(SweepTableSchema.REMASKING, p.remasking());
        row.put(SweepTableSchema.THRESHOLD, p.threshold());
        row.put(SweepTableSchema.SUB_BLOCK, p.subBlock());
        row.put(SweepTableSchema.BATCH_SIZE, s.batchSize());
        row.put(SweepTableSchema.MAX_NEW_TOKENS, s.maxNewTokens());
        row.put(SweepTableSchema.MODEL, p.model().name());
        row.put(SweepTableSchema.MODEL_HASH, p.model().hash());
        row.put(SweepTableSchema.DVLCAP_VERSION, p.dvlcapVersion());
        row.put(SweepTableSchema.BACKEND, p.backend());
        row.put(SweepTableSchema.CORPUS, corpus.manifestFile().toString());
        row.put(SweepTableSchema.IMAGES, (long) r.captions());
        row.put(SweepTableSchema.BLEU4, r.scores().bleu4());
        row.put(SweepTableSchema.ROUGE_L, r.scores().rougeL());
        row.put(SweepTableSchema.CIDER_D, r.scores().ciderD());
        row.put(SweepTableSchema.OBJECT_F1, Double.isNaN(r.objectF1()) ? null : r.objectF1());
        row.put(SweepTableSchema.TOKENS_PER_S, r.tokensPerSecond());
        row.put(SweepTableSchema.TOKENS_PER_FORWARD, r.tokensPerForward());
        row.put(SweepTableSchema.IMAGES_PER_S, r.captionsPerSecond());
        row.put(SweepTableSchema.LATENCY_P50_MS, Percentiles.of(o.latencyMs(), 50));
        row.put(SweepTableSchema.LATENCY_P95_MS, Percentiles.of(o.latencyMs(), 95));
        row.put(SweepTableSchema.LATENCY_P99_MS, Percentiles.of(o.latencyMs(), 99));
        row.put(SweepTableSchema.WALL_S, r.seconds());
        row.put(SweepTableSchema.FINISHED_AT, Instant.now());
        return row;
    }

    private static List<Map<String, Object>> captions(String hash, List<ManifestEntry> entries, EvalCommand.Outcome o) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            CaptionResult c = o.results().get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(SweepCaptionsTableSchema.SETTINGS_HASH, hash);
            row.put(SweepCaptionsTableSchema.ID, entries.get(i).id());
            row.put(SweepCaptionsTableSchema.FILE, entries.get(i).file());
            row.put(SweepCaptionsTableSchema.CAPTION, c.caption());
            row.put(SweepCaptionsTableSchema.TOKENS, c.counters().generatedTokens());
            row.put(SweepCaptionsTableSchema.FORWARD_PASSES, c.counters().forwardPasses());
            row.put(SweepCaptionsTableSchema.LATENCY_MS, o.latencyMs()[i]);
            rows.add(row);
        }
        return rows;
    }
}
