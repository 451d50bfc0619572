package dvlcap.engine;

import dvlcap.backend.Backend;
import dvlcap.backend.Backends;
import dvlcap.decode.DecodingSettings;
import dvlcap.decode.Scheduler;
import dvlcap.decode.SequenceFactory;
import dvlcap.image.VisionPreprocessor;
import dvlcap.image.VisionPreprocessors;
import dvlcap.model.CaptionPrompt;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelDirectory;
import dvlcap.model.ModelIdentity;
import dvlcap.model.PromptTokens;
import dvlcap.model.TextTokenizer;
import dvlcap.nn.InputRows;
import dvlcap.nn.KvPool;
import dvlcap.nn.LlavaModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loaded model serving caption requests from any number of threads. One engine thread runs the
 * continuous-batching scheduler, so requests submitted together, from whatever thread, share
 * forwards. Greedy captions do not depend on what else was submitted.
 *
 * <p>Failure: a request whose image or prompt is unusable completes exceptionally alone; a
 * forward that breaks fails the captions in that forward and the engine goes on with the rest.
 * After {@link #close()}, pending and new requests complete exceptionally.
 */
public final class CaptionEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptionEngine.class);
    private static final Object STOP = new Object();

    private final ModelDirectory files;
    private final ModelIdentity identity;
    private final LlavaModel model;
    private final KvPool pool;
    private final Backend backend;
    private final VisionPlacement placement;
    private final CaptionPrompt prompt;
    private final VisionPreprocessor preprocessor;
    private final Scheduler scheduler;
    private final SequenceFactory factory;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final EngineOptions options;
    private volatile boolean closed;
    private boolean released;
    /** The Error that ended the engine thread, or null. */
    private volatile Error failed;

    private record Pending(CaptionRequest request, CompletableFuture<CaptionResult> future) {
    }

    private CaptionEngine(ModelDirectory files, Backend backend, VisionPlacement placement, EngineOptions options) {
        this.files = files;
        this.identity = ModelIdentity.of(files.dir());
        this.backend = backend;
        this.placement = placement;
        this.options = options;
        ModelConfig config = files.config();
        this.factory = new SequenceFactory(options.settings(), config.decoding());
        this.prompt = files.captionPrompt();
        this.preprocessor = VisionPreprocessors.load(files.preprocessorConfig(), config);
        this.model = LlavaModel.load(backend, placement.backend(backend), config, files.weights());
        try {
            this.pool = options.kvBudget().newPool(model.lm(), backend, options.maxBatch(), factory.capacity(0));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        this.scheduler = new Scheduler(backend, model.lm(), placement.queue(model.vision()), factory,
                options.maxBatch(), pool, new Scheduler.Listener() {
            @Override
            public void finished(Scheduler.Finished f) {
                complete(f);
            }

            @Override
            public void failed(Scheduler.Failed f) {
                ((Pending) f.job().tag()).future().completeExceptionally(f.error());
            }
        });
        this.thread = new Thread(this::loop, "dvlcap-engine");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Loads a model directory onto the backend the options name. Errors in the model files are
     * {@link dvlcap.model.ModelFileException}s naming the file and tensor.
     */
    public static CaptionEngine load(Path modelDir, EngineOptions options) {
        return load(modelDir, options, () -> Backends.create(options.backend()));
    }

    /** The same on a backend the caller made (tests: fake devices); the engine owns and closes it. */
    static CaptionEngine load(Path modelDir, EngineOptions options, java.util.function.Supplier<Backend> backends) {
        ModelDirectory files = ModelDirectory.open(modelDir);
        Backend backend = null;
        VisionPlacement placement = null;
        try {
            backend = backends.get();
            placement = VisionPlacement.choose(backend, options.visionQueue());
            long t0 = System.nanoTime();
            CaptionEngine e = new CaptionEngine(files, backend, placement, options);
            LOG.info("loaded {} on {} in {} ms (block size {}, steps {}, batch {}; images encoded {})", modelDir,
                    backend.name(), (System.nanoTime() - t0) / 1_000_000, e.factory.blockSize(), e.factory.steps(),
                    options.maxBatch(), placement.describe());
            return e;
        } catch (RuntimeException e) {
            if (placement != null) {
                placement.close();
            }
            if (backend != null) {
                backend.close();
            }
            files.close();
            throw e;
        }
    }

    public VisionPreprocessor preprocessor() {
        return preprocessor;
    }

    public ModelConfig config() {
        return files.config();
    }

    public String modelName() {
        return identity.name();
    }

    /** The model, backend and effective decoding settings this engine's captions are made with. */
    public CaptionProvenance provenance() {
        DecodingSettings s = options.settings();
        String remasking = s.subBlock() > 0 ? "sub-block" : s.remasking().name().toLowerCase(Locale.ROOT);
        return new CaptionProvenance(identity, backend.name(), s.decoder().name().toLowerCase(Locale.ROOT),
                factory.blockSize(), factory.steps(), remasking, CaptionProvenance.decimal(s.threshold()), s.subBlock(),
                DvlcapVersion.get());
    }

    public String backendName() {
        return backend.name();
    }

    public EngineOptions options() {
        return options;
    }

    /** Block size and steps actually used (after the model's defaults are applied). */
    public int blockSize() {
        return factory.blockSize();
    }

    public int steps() {
        return factory.steps();
    }

    /** Queues one image; thread-safe. */
    public CompletableFuture<CaptionResult> submit(CaptionRequest request) {
        CompletableFuture<CaptionResult> f = new CompletableFuture<>();
        if (closed) {
            Error e = failed;
            f.completeExceptionally(e == null ? new IllegalStateException("engine closed")
                    : new IllegalStateException("engine failed: " + e, e));
            return f;
        }
        inbox.add(new Pending(request, f));
        if (failed != null) {
            // the thread died between the check and the add: it will not take this one
            for (Object o; (o = inbox.poll()) != null; ) {
                if (o instanceof Pending p) {
                    p.future().completeExceptionally(new IllegalStateException("engine failed: " + failed, failed));
                }
            }
        }
        return f;
    }

    /** Captions all requests together and waits; results in request order. */
    public List<CaptionResult> captionAll(List<CaptionRequest> requests) {
        List<CompletableFuture<CaptionResult>> futures = new ArrayList<>();
        requests.forEach(r -> futures.add(submit(r)));
        List<CaptionResult> out = new ArrayList<>();
        for (CompletableFuture<CaptionResult> f : futures) {
            out.add(f.join());
        }
        return out;
    }

    private void loop() {
        try {
            while (true) {
                Object first = scheduler.idle() ? inbox.take() : inbox.poll();
                List<Object> batch = new ArrayList<>();
                if (first != null) {
                    batch.add(first);
                    inbox.drainTo(batch);
                }
                for (Object o : batch) {
                    if (o == STOP) {
                        scheduler.close();
                        drainAfterClose();
                        return;
                    }
                    admit((Pending) o);
                }
                try {
                    scheduler.step();
                } catch (RuntimeException e) {
                    LOG.error("forward failed; failing the captions in it", e);
                    scheduler.failActive(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            // An Error (out of memory, stack overflow, a linkage error from a native library) leaves
            // the engine in no state to go on: fail every caption it holds and every later one,
            // rather than let callers wait forever on a dead thread.
            LOG.error("engine thread failed; failing every pending caption", e);
            failed = e;
            closed = true;
            IllegalStateException error = new IllegalStateException("engine failed: " + e, e);
            try {
                scheduler.failAll(error);
            } finally {
                for (Object o; (o = inbox.poll()) != null; ) {
                    if (o instanceof Pending p) {
                        p.future().completeExceptionally(error);
                    }
                }
            }
        }
    }

    private void admit(Pending p) {
        try {
            CaptionRequest r = p.request();
            PromptTokens tokens = r.prompt() == null ? prompt.tokens() : prompt.tokens(r.prompt());
            if (r.image() == null) {
                throw new IllegalArgumentException("image " + r.id() + " has no pixels");
            }
            int rows;
            try {
                rows = model.vision().tokens(r.image());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("image " + r.id() + ": " + e.getMessage(), e);
            }
            int[] ids = InputRows.prompt(tokens, rows);
            scheduler.add(new Scheduler.Job(r.id(), ids, r.image(), p, model.positions(ids, r.image())));
        } catch (RuntimeException e) {
            p.future().completeExceptionally(e);
        }
    }

    private void complete(Scheduler.Finished f) {
        Pending p = (Pending) f.job().tag();
        TextTokenizer tok = files.tokenizer();
        String caption = tok.decode(f.answer()).strip();
        p.future().complete(new CaptionResult(f.job().id(), caption, f.answer(),
                new Counters(f.generated(), f.blocks(), f.forwards(), f.visionMs(), f.prefillMs(), f.decodeMs())));
    }

    private void drainAfterClose() {
        for (Object o; (o = inbox.poll()) != null; ) {
            if (o instanceof Pending p) {
                p.future().completeExceptionally(new IllegalStateException("engine closed"));
            }
        }
    }

    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        closed = true;
        inbox.add(STOP); // a thread that already ended on an Error does not need it
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // after an Error the engine thread did not close the scheduler: stop the vision thread
            // and free the images it held before the tower goes (a no-op after a normal stop)
            scheduler.close();
            pool.close(); // fails if a sequence kept its pages: a leak
        } finally {
            model.close();
            placement.close();
            backend.close();
            files.close();
        }
    }
}
