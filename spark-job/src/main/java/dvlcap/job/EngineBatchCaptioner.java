package dvlcap.job;

import dvlcap.engine.CaptionEngine;
import dvlcap.engine.CaptionProvenance;
import dvlcap.engine.CaptionRequest;
import dvlcap.engine.CaptionResult;
import dvlcap.engine.Counters;
import dvlcap.image.ImageDecoder;
import dvlcap.image.VisionInput;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link BatchCaptioner} over a {@link CaptionEngine}: each good image of a batch becomes a request
 * to the shared engine, whose scheduler batches it with requests of other tasks. The request holds
 * the preprocessor's own pixel array: nothing is copied between the task and the engine.
 *
 * <p>Failures: a request the engine refuses as unusable ({@link IllegalArgumentException}: wrong
 * pixel count, a prompt it cannot encode) is the image's fault and becomes an error row, as a
 * bad image does. Any other engine failure (a broken forward, a closed engine) fails the batch
 * with a {@link CaptioningException}, so Spark retries the task instead of writing error rows.
 */
final class EngineBatchCaptioner implements BatchCaptioner {

    private final CaptionEngine engine;
    private final String prompt;
    private final ImageDecoder decoder = new ImageDecoder();

    EngineBatchCaptioner(CaptionEngine engine, String prompt) {
        this.engine = engine;
        this.prompt = prompt;
    }

    @Override
    public VisionInput prepare(byte[] encoded, String name) {
        return preprocess(decoder.decode(encoded, name));
    }

    @Override
    public VisionInput preprocess(BufferedImage rgb) {
        return engine.preprocessor().preprocess(rgb);
    }

    /** A request in the engine, with the id its error row needs if it fails. */
    private record Submitted(String id, CompletableFuture<CaptionOutcome> result) {
    }

    @Override
    public PendingBatch submit(List<PreparedImage> images) {
        List<Submitted> submitted = new ArrayList<>(images.size());
        for (PreparedImage image : images) {
            if (image.error() != null) {
                submitted.add(new Submitted(image.id(),
                        CompletableFuture.completedFuture(CaptionOutcome.failed(image.id(), image.error()))));
                continue;
            }
            long t0 = System.nanoTime();
            submitted.add(new Submitted(image.id(), engine.submit(new CaptionRequest(image.id(), image.image(), prompt))
                    .thenApply(r -> outcome(image.id(), r, (System.nanoTime() - t0) / 1e6))));
        }
        return () -> {
            List<CaptionOutcome> outcomes = new ArrayList<>(submitted.size());
            for (Submitted s : submitted) {
                outcomes.add(await(s));
            }
            return outcomes;
        };
    }

    private static CaptionOutcome outcome(String id, CaptionResult r, double latencyMs) {
        Counters c = r.counters();
        return new CaptionOutcome(id, r.caption(), null, c.generatedTokens(), c.blocks(), c.forwardPasses(),
                c.visionMs(), c.prefillMs(), c.decodeMs(), latencyMs);
    }

    private CaptionOutcome await(Submitted s) {
        try {
            return s.result().join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof IllegalArgumentException) {
                return CaptionOutcome.failed(s.id(), "engine refused the image: "
                        + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            }
            throw new CaptioningException("engine " + engine.modelName() + " failed on " + s.id() + ": " + cause, cause);
        }
    }

    @Override
    public CaptionProvenance provenance() {
        return engine.provenance();
    }

    @Override
    public void close() {
        engine.close();
    }
}
