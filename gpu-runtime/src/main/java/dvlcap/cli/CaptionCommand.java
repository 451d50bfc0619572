package dvlcap.cli;

import dvlcap.engine.CaptionEngine;
import dvlcap.engine.CaptionRequest;
import dvlcap.image.VisionInput;
import dvlcap.engine.CaptionProvenance;
import dvlcap.engine.CaptionResult;
import dvlcap.engine.Counters;
import dvlcap.engine.EngineOptions;
import dvlcap.image.ImageDecodeException;
import dvlcap.image.ImageDecoder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** {@code dvlcap caption}: captions image files, one line per image. */
public final class CaptionCommand {
    static final String HELP = """
            Usage: dvlcap caption [--model DIR] [options] IMAGE...

            Captions each IMAGE with the model in DIR (a Hugging Face style directory: config.json,
            *.safetensors, tokenizer.json, tokenizer_config.json, preprocessor_config.json) and prints
            one line per image, in the order given: "IMAGE<TAB>caption", or with --json one JSON
            object per line with the image, the caption and its counters. An image that cannot be
            read prints an error line instead; the exit status is then 1.

            Options:
            """ + ModelFlag.HELP + DecodingFlags.HELP + BatchSizeFlag.HELP + """
              --prompt TEXT             instruction instead of the model's caption prompt
            """ + BackendFlag.HELP + KvBudgetFlag.HELP + VisionQueueFlag.HELP + """
              --json                    JSON lines with counters
              --help                    this text
            """;

    private CaptionCommand() {
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Set<String> valued = new java.util.HashSet<>(DecodingFlags.VALUED);
        valued.addAll(Set.of(ModelFlag.NAME, BatchSizeFlag.NAME, "prompt", BackendFlag.NAME, BackendFlag.HEAP_WEIGHTS, KvBudgetFlag.NAME,
                VisionQueueFlag.NAME));
        Args a = Args.parse("caption", argv, valued, Set.of("json", "help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        int batch = BatchSizeFlag.of(a);
        EngineOptions options = new EngineOptions(DecodingFlags.settings(a), batch, BackendFlag.request(a),
                KvBudgetFlag.of(a), VisionQueueFlag.of(a, batch));
        Path model = ModelFlag.path(a);
        if (a.positional().isEmpty()) {
            throw new Args.UsageException("'caption' needs at least one IMAGE (see --help)");
        }
        String prompt = a.string("prompt", null);
        boolean json = a.flag("json");
        ImageDecoder decoder = new ImageDecoder();
        int failures = 0;
        try (CaptionEngine engine = CaptionEngine.load(model, options)) {
            List<String> images = a.positional();
            List<CompletableFuture<CaptionResult>> futures = new ArrayList<>();
            long t0 = System.nanoTime(), lastProgress = t0, tokens = 0, forwards = 0;
            for (String image : images) {
                futures.add(submit(engine, decoder, image, prompt));
            }
            for (int i = 0; i < images.size(); i++) {
                try {
                    CaptionResult r = futures.get(i).join();
                    tokens += r.counters().generatedTokens();
                    forwards += r.counters().forwardPasses();
                    print(out, json, images.get(i), r, engine.provenance());
                } catch (CompletionException e) {
                    failures++;
                    String msg = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
                    if (json) {
                        out.println(Json.line(Map.of("image", images.get(i), "error", msg)));
                    } else {
                        out.println(images.get(i) + "\tERROR: " + msg);
                    }
                }
                out.flush();
                long now = System.nanoTime();
                if (now - lastProgress > 5_000_000_000L && i + 1 < images.size()) {
                    double rate = (i + 1) / ((now - t0) / 1e9);
                    err.printf(Locale.ROOT, "dvlcap caption: %d/%d images, %.2f images/s, ETA %.0f s%n", i + 1,
                            images.size(), rate, (images.size() - i - 1) / rate);
                    lastProgress = now;
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            err.printf(Locale.ROOT, "dvlcap caption: %d images (%d failed) in %.1f s: %.2f images/s, %.1f tokens/s, "
                    + "%.2f tokens/forward%n", images.size(), failures, seconds, images.size() / seconds,
                    tokens / seconds, forwards == 0 ? 0 : (double) tokens / forwards);
        }
        return failures == 0 ? 0 : 1;
    }

    private static CompletableFuture<CaptionResult> submit(CaptionEngine engine, ImageDecoder decoder, String image,
                                                           String prompt) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of(image));
            VisionInput input = engine.preprocessor().preprocess(decoder.decode(bytes, image));
            return engine.submit(new CaptionRequest(image, input, prompt));
        } catch (IOException | ImageDecodeException | IllegalArgumentException e) {
            String msg = e instanceof IOException ? "cannot read " + image + ": " + e : e.getMessage();
            return CompletableFuture.failedFuture(new IllegalArgumentException(msg, e));
        }
    }

    private static void print(PrintStream out, boolean json, String image, CaptionResult r,
                              CaptionProvenance provenance) {
        if (!json) {
            out.println(image + "\t" + r.caption());
            return;
        }
        Counters c = r.counters();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", image);
        m.put("caption", r.caption());
        m.put("tokens", c.generatedTokens());
        m.put("blocks", c.blocks());
        m.put("forward_passes", c.forwardPasses());
        m.put("tokens_per_forward", Math.round(c.tokensPerForward() * 1000) / 1000.0);
        Double perVerify = provenance.tokensPerVerify(c.generatedTokens(), 1, c.blocks());
        if (perVerify != null) {
            m.put("tokens_per_verify", Math.round(perVerify * 1000) / 1000.0);
        }
        m.put("vision_ms", round(c.visionMs()));
        m.put("prefill_ms", round(c.prefillMs()));
        m.put("decode_ms", round(c.decodeMs()));
        out.println(Json.line(m));
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }
}
