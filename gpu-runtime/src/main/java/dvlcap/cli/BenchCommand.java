package dvlcap.cli;

import dvlcap.backend.Backend;
import dvlcap.backend.BackendRequest;
import dvlcap.backend.Backends;
import dvlcap.backend.CpuBackend;
import dvlcap.backend.VectorBackend;
import dvlcap.bench.ForwardTimer;
import dvlcap.bench.MemoryRead;
import dvlcap.bench.ModelShapes;
import dvlcap.bench.ProcessMemory;
import dvlcap.bench.RandomCheckpoint;
import dvlcap.bench.RandomWeightSource;
import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.decode.Scheduler;
import dvlcap.decode.SequenceFactory;
import dvlcap.engine.EngineOptions;
import dvlcap.engine.KvBudget;
import dvlcap.engine.VisionPlacement;
import dvlcap.image.VisionInput;
import dvlcap.image.VisionPreprocessors;
import dvlcap.model.DType;
import dvlcap.model.DecodingDefaults;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelDirectory;
import dvlcap.nn.InputRows;
import dvlcap.nn.KvPool;
import dvlcap.nn.LlavaModel;
import dvlcap.nn.Qwen2Model;
import dvlcap.nn.RopePositions;
import dvlcap.nn.VisionEncoder;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleSupplier;

/**
 * {@code dvlcap bench}: the engine's speed, measured in one process so that ratios are fair.
 * Part 1 times one forward with q query tokens per sequence against a filled cache (the cost that
 * decides whether block diffusion can win on wall-clock); part 2 decodes with each decoder and
 * reports tokens/s and tokens per forward.
 */
public final class BenchCommand {
    static final String HELP = """
            Usage: dvlcap bench (--model DIR | --shape NAME) [options]

            Measures the engine in one process: (1) ms per forward for each --query-tokens count per
            sequence at --batch-size sequences over a --context-token cache; (2) decoding of
            --images random images per decoder: ms per forward, tokens/s, tokens per forward.
            With --shape the model has random weights and no vision tower (the LM is measured; each
            prompt is --context random tokens); with --model the whole model runs on random pixels.
            Random weights never say end-of-sequence, so every answer is --max-new-tokens long. With
            --shape, 'ar' decodes the shape as an autoregressive model (one query row per forward).
            The first forward of a run carries the prefill; it is reported apart from the later ones.
            The load time and the process's resident memory (peak, and anonymous vs file-backed: a
            checkpoint's bf16/f16 weights stay memory-mapped) are reported too. --write-checkpoint
            writes a --shape as a model directory of random weights in --dtype, to be measured with
            --model (a real load from files); it streams, so a checkpoint larger than memory works.

            Options:
              --model DIR               a model directory
              --shape NAME              a named random shape: %s
              --batch-size N            sequences per forward (default 1)
              --context N               prompt tokens per sequence for --shape (default 256)
              --query-tokens LIST       query tokens per sequence for part 1 (default 1,8)
              --iterations N            timed forwards per point in part 1 (default 5, median)
              --baseline DIR            part 1 also times the model in DIR in this process, one
                                        forward of each per round, in turn, so that a machine
                                        slowing down or speeding up weighs on both alike; adds
                                        its median ms and the median of the rounds' ratios (ms
                                        over its ms). For models of one weight dtype: a bf16
                                        model ran 30%% slower beside an f32 one than alone, so
                                        compare dtypes in separate processes
              --read-share              part 1 also times a plain parallel read of a 1 GiB array
                                        (a quarter of the heap if less; one thread per core, as
                                        the vector backend's), one pass per forward, in turn;
                                        adds gb_per_s (the bytes a forward reads at the least:
                                        its matmuls' weights and the KV cache, per second),
                                        read_gb_per_s, and read_share (median over rounds of the
                                        one over the other). CPU backends; not with --baseline
              --warmup N                untimed forwards before them (default 1; on one core the
                                        JIT needs about 10 before the vector kernels are compiled)
              --images N                images decoded per decoder in part 2 (default: batch size)
              --decoders LIST           decoders of part 2: ar, block, speculative (a model trained
                                        with the causal-LM loss only); default ar,block; 'none'
                                        skips part 2
              --vision-queue N          with --model: images encoded ahead of admission on a
                                        thread of their own, on CPU backends (default 2 x batch
                                        size); 0 encodes each image at admission
            """ + BackendFlag.HELP + """
              --kv-budget SIZE          memory of the KV pool of part 2: %s
                                        (default auto: a quarter of the free heap on CPU, 70%%
                                        of free device memory on CUDA); its pages used (peak of
                                        total) are reported per decoder
              --write-checkpoint DIR    with --shape: write the shape's random weights, config,
                                        tokenizer and preprocessor config into DIR, then exit
              --dtype NAME              with --write-checkpoint: f32 (default), bf16 or f16
            """ + DecodingFlags.HELP + """
              --help                    this text
            """;

    private BenchCommand() {
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Set<String> valued = new HashSet<>(DecodingFlags.VALUED);
        valued.addAll(Set.of("model", "shape", "batch-size", "context", "query-tokens", "iterations", "warmup", "images", "baseline",
                VisionQueueFlag.NAME, "decoders", BackendFlag.NAME, BackendFlag.HEAP_WEIGHTS, "write-checkpoint", "dtype", KvBudgetFlag.NAME));
        Args a = Args.parse("bench", argv, valued, Set.of("help", "read-share"));
        if (a.flag("help")) {
            out.printf(HELP, String.join(", ", ModelShapes.names()), KvBudget.HELP);
            return 0;
        }
        if (a.has("model") == a.has("shape")) {
            throw new Args.UsageException("'bench' needs exactly one of --model DIR or --shape NAME (shapes: "
                    + String.join(", ", ModelShapes.names()) + ")");
        }
        int batch = BatchSizeFlag.of(a, 1);
        int context = a.integer("context", 256, 1);
        int iterations = a.integer("iterations", 5, 1);
        int warmup = a.integer("warmup", 1, 1);
        int images = a.integer("images", batch, 1);
        int[] queries = Arrays.stream(a.string("query-tokens", "1,8").split(",")).mapToInt(s -> {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--query-tokens must be a comma-separated list of integers, got " + s);
            }
        }).toArray();
        List<DecoderKind> decoders = new ArrayList<>();
        for (String d : a.string("decoders", "ar,block").split(",")) {
            String name = d.trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "ar" -> decoders.add(DecoderKind.AR);
                case "block" -> decoders.add(DecoderKind.BLOCK);
                case "speculative" -> decoders.add(DecoderKind.SPECULATIVE);
                case "none" -> { }
                default -> throw new Args.UsageException("--decoders must list ar, block, speculative or none, got '"
                        + d + "'");
            }
        }
        DecodingSettings settings = DecodingFlags.settings(a);
        KvBudget kvBudget = KvBudgetFlag.of(a);
        BackendRequest backendRequest = BackendFlag.request(a);
        if (a.has("baseline") && a.has("write-checkpoint")) {
            throw new Args.UsageException("--baseline measures against a model: it does not apply to --write-checkpoint");
        }
        boolean readShare = a.flag("read-share");
        if (readShare && (a.has("baseline") || a.has("write-checkpoint"))) {
            throw new Args.UsageException("--read-share pairs the forwards with a memory read: it does not apply with "
                    + (a.has("baseline") ? "--baseline (which pairs them with another model's)" : "--write-checkpoint"));
        }
        if (a.has("dtype") && !a.has("write-checkpoint")) {
            throw new Args.UsageException("--dtype applies to --write-checkpoint only (a checkpoint's own dtype is what"
                    + " --model loads; --shape alone holds float32 on the heap)");
        }
        if (a.has("write-checkpoint")) {
            if (!a.has("shape")) {
                throw new Args.UsageException("--write-checkpoint needs --shape NAME");
            }
            DType dtype = DType.valueOf(a.choice("dtype", "f32", "f32", "bf16", "f16").toUpperCase(Locale.ROOT));
            writeCheckpoint(out, a.string("shape", null), dtype, Path.of(a.string("write-checkpoint", null)));
            return 0;
        }

        int visionQueue = VisionQueueFlag.of(a, batch);
        try (Backend backend = Backends.create(backendRequest);
             VisionPlacement placement = VisionPlacement.choose(backend, visionQueue)) {
            long t0 = System.nanoTime();
            Subject subject = a.has("shape") ? Subject.shape(backend, a.string("shape", null), context)
                    : Subject.model(backend, placement.backend(backend), Path.of(a.string("model", null)));
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            if (readShare && !(backend instanceof CpuBackend)) {
                throw new Args.UsageException("--read-share measures host memory: it needs a CPU backend, not "
                        + backend.name());
            }
            try (subject; Subject baseline = a.has("baseline")
                    ? Subject.model(backend, placement.backend(backend), Path.of(a.string("baseline", null))) : null;
                 MemoryRead read = readShare ? memoryRead(backend) : null) {
                out.printf(Locale.ROOT, "# dvlcap bench: %s on %s, %d cores, %s%n", subject.name, backend.name(),
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
                out.printf(Locale.ROOT, "# load: %.2f s; %s%n", loadSeconds, memory());
                if (baseline != null) {
                    out.printf(Locale.ROOT, "# baseline: %s, its forwards in turn with the measured model's (one"
                            + " each per round, order swapped every round); ratio: median over rounds of ms /"
                            + " baseline ms%n", baseline.name);
                }
                if (read != null) {
                    out.printf(Locale.ROOT, "# read: passes over a %d MiB float array, one part per thread (%d), in turn"
                            + " with the forwards (order swapped every round); read_share: median over rounds of"
                            + " gb_per_s / read_gb_per_s%n", read.bytes() >> 20, read.threads());
                }
                if (subject.vision != null) {
                    out.printf(Locale.ROOT, "# images encoded %s%n", placement.describe());
                }
                out.printf(Locale.ROOT, "# forward cost: batch %d, context %d tokens, median of %d after %d untimed (first_ms: the"
                        + " first untimed warm-up forward; after a load it faults mapped weights in)%n", batch,
                        subject.prompt.length, iterations, warmup);
                out.println("query_tokens_per_seq\tms_per_forward\tms_per_query_token\tfirst_ms"
                        + (baseline == null ? "" : "\tbaseline_ms_per_forward\tratio")
                        + (read == null ? "" : "\tgb_per_s\tread_gb_per_s\tread_share"));
                int positions = subject.prompt.length;
                for (int q : queries) {
                    try (ForwardTimer timer = new ForwardTimer(backend, subject.lm, positions, batch, q)) {
                        if (baseline != null) {
                            try (ForwardTimer base = new ForwardTimer(backend, baseline.lm, positions, batch, q)) {
                                Rounds r = Rounds.paired(timer::forwardMs, base::forwardMs, iterations, warmup);
                                out.printf(Locale.ROOT, "%d\t%.2f\t%.3f\t%.2f\t%.2f\t%.3f%n", q, r.median(),
                                        r.median() / (q * batch), r.firstMs(), r.otherMedian(),
                                        r.medianOf((ms, baseMs) -> ms / baseMs));
                            }
                        } else if (read != null) {
                            Rounds r = Rounds.paired(timer::forwardMs, read::passMs, iterations, warmup);
                            double bytes = timer.bytesRead();
                            out.printf(Locale.ROOT, "%d\t%.2f\t%.3f\t%.2f\t%.1f\t%.1f\t%.3f%n", q, r.median(),
                                    r.median() / (q * batch), r.firstMs(), bytes / (r.median() * 1e6),
                                    read.gbPerS(r.otherMedian()),
                                    r.medianOf((ms, readMs) -> bytes / (ms * 1e6) / read.gbPerS(readMs)));
                        } else {
                            Rounds r = Rounds.alone(timer::forwardMs, iterations, warmup);
                            out.printf(Locale.ROOT, "%d\t%.2f\t%.3f\t%.2f%n", q, r.median(), r.median() / (q * batch),
                                    r.firstMs());
                        }
                    }
                }
                if (!decoders.isEmpty()) {
                    out.printf(Locale.ROOT, "# decoding: %d images, batch %d, max new tokens %d%n", images, batch,
                            settings.maxNewTokens());
                    out.println("decoder\tblock\tsteps\tforwards\tfirst_forward_ms\tms_per_later_forward\ttokens_per_s\ttokens_per_forward\ttokens_per_verify\timages_per_s\tkv_pages_peak\tkv_pages_total");
                    for (DecoderKind d : decoders) {
                        decode(out, backend, placement, subject, settings.withDecoder(d), batch, images, kvBudget);
                    }
                }
                out.printf(Locale.ROOT, "# memory at the end: %s%n", memory());
            }
        }
        return 0;
    }

    /**
     * Resident memory where /proc/self/status exists, and the live Java heap (measured after a
     * GC, so that garbage of the run does not count; RSS still counts heap pages once touched).
     */
    private static String memory() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        String heap = String.format(Locale.ROOT, "Java heap live %d MiB", (rt.totalMemory() - rt.freeMemory()) >> 20);
        return ProcessMemory.read().map(m -> m.describe() + "; ").orElse("") + heap;
    }

    private static void writeCheckpoint(PrintStream out, String shape, DType dtype, Path dir) {
        ModelConfig config = ModelShapes.get(shape);
        long t0 = System.nanoTime();
        RandomCheckpoint.Written w = RandomCheckpoint.write(dir, config, dtype, 1);
        out.printf(Locale.ROOT, "# wrote %s: shape %s, %d tensors, %.2f GiB of %s weights in %d file(s), %.1f s; %s%n",
                w.dir(), shape, w.tensors(), w.bytes() / (double) (1L << 30), dtype, w.files(),
                (System.nanoTime() - t0) / 1e9, memory());
    }

    /**
     * The memory read of {@code --read-share}: 1 GiB, or a quarter of the maximum heap if that is
     * less, over as many threads as the backend's kernels use.
     */
    private static MemoryRead memoryRead(Backend backend) {
        int mib = (int) Math.min(1024, Runtime.getRuntime().maxMemory() / 4 >> 20);
        return new MemoryRead(mib, backend instanceof VectorBackend ? Runtime.getRuntime().availableProcessors() : 1);
    }

    /**
     * Timed forwards, alone or in turn with another timed call: {@code firstMs} is the first untimed
     * warm-up forward's (after a load it faults mapped weights in), {@code ms} and {@code otherMs}
     * the timed rounds' ms of the forward and of the other call (empty when alone).
     */
    private record Rounds(double firstMs, double[] ms, double[] otherMs) {
        /** {@code warmup} untimed forwards, then {@code iterations} timed ones. */
        static Rounds alone(DoubleSupplier forward, int iterations, int warmup) {
            double first = forward.getAsDouble();
            for (int i = 1; i < warmup; i++) {
                forward.getAsDouble();
            }
            double[] ms = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                ms[i] = forward.getAsDouble();
            }
            return new Rounds(first, ms, new double[0]);
        }

        /**
         * One forward and one other call per round, the order swapped every round, so that a
         * machine slowing down or speeding up (other tenants, clock changes) weighs on both alike;
         * {@code warmup} untimed rounds first.
         */
        static Rounds paired(DoubleSupplier forward, DoubleSupplier other, int iterations, int warmup) {
            double first = forward.getAsDouble();
            other.getAsDouble();
            for (int i = 1; i < warmup; i++) {
                forward.getAsDouble();
                other.getAsDouble();
            }
            double[] ms = new double[iterations], otherMs = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                if (i % 2 == 0) {
                    ms[i] = forward.getAsDouble();
                    otherMs[i] = other.getAsDouble();
                } else {
                    otherMs[i] = other.getAsDouble();
                    ms[i] = forward.getAsDouble();
                }
            }
            return new Rounds(first, ms, otherMs);
        }

        double median() {
            return ForwardTimer.median(ms);
        }

        double otherMedian() {
            return ForwardTimer.median(otherMs);
        }

        /** The median over rounds of {@code f(forward ms, other ms)}. */
        double medianOf(DoubleBinaryOperator f) {
            double[] v = new double[ms.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = f.applyAsDouble(ms[i], otherMs[i]);
            }
            return ForwardTimer.median(v);
        }
    }

    private static void decode(PrintStream out, Backend backend, VisionPlacement placement, Subject subject,
                               DecodingSettings settings, int batch, int images, KvBudget kvBudget) {
        SequenceFactory factory;
        try {
            DecodingDefaults model = subject.config.decoding();
            if (settings.decoder() == DecoderKind.AR && subject.vision == null) {
                // A random shape stands for both a dVLM and its AR counterpart: decode it as an
                // autoregressive model, one query row per forward, the baseline of DESIGN.md §2.
                model = new DecodingDefaults(-1, model.eosTokenIds(), 1, null, model.captionPrompt(),
                        model.imagePlaceholder());
            }
            factory = new SequenceFactory(settings, model);
        } catch (IllegalArgumentException e) {
            out.println(settings.decoder().name().toLowerCase(Locale.ROOT) + "\tskipped: " + e.getMessage());
            return;
        }
        // tokens of all captions; tokens, count and blocks of those that ran verify steps
        long[] tokens = {0}, verifyingTokens = {0}, verifying = {0}, blocks = {0};
        try (KvPool pool = kvBudget.newPool(subject.lm, backend, batch, factory.capacity(0));
             Scheduler s = new Scheduler(backend, subject.lm, placement.queue(subject.vision), factory, batch, pool,
                new Scheduler.Listener() {
                    @Override
                    public void finished(Scheduler.Finished f) {
                        tokens[0] += f.generated();
                        if (f.blocks() > 0) {
                            verifyingTokens[0] += f.generated();
                            verifying[0]++;
                            blocks[0] += f.blocks();
                        }
                    }

                    @Override
                    public void failed(Scheduler.Failed f) {
                        throw f.error();
                    }
                })) {
            for (int i = 0; i < images; i++) {
                s.add(new Scheduler.Job("bench" + i, subject.prompt, subject.image, null, subject.positions));
            }
            int forwards = 0;
            long t0 = System.nanoTime();
            long first = 0;
            while (s.step()) {
                forwards++;
                if (forwards == 1) {
                    first = System.nanoTime() - t0; // vision + prefill (+ the first step, fused)
                }
            }
            long total = System.nanoTime() - t0;
            double seconds = total / 1e9;
            double decodeMsPerForward = forwards > 1 ? (total - first) / 1e6 / (forwards - 1) : 0;
            Double tokensPerVerify = settings.decoder().tokensPerVerify(verifyingTokens[0], verifying[0], blocks[0]);
            String perVerify = tokensPerVerify == null ? "-" : String.format(Locale.ROOT, "%.3f", tokensPerVerify);
            out.printf(Locale.ROOT, "%s\t%d\t%d\t%d\t%.1f\t%.2f\t%.2f\t%.3f\t%s\t%.3f\t%d\t%d%n",
                    settings.decoder().name().toLowerCase(Locale.ROOT), factory.blockSize(), factory.steps(), forwards,
                    first / 1e6, decodeMsPerForward, tokens[0] / seconds,
                    (double) tokens[0] / (forwards * Math.min(batch, images)), perVerify, images / seconds,
                    pool.peakPages(), pool.totalPages());
        }
    }

    /** What is measured: an LM (and maybe a vision tower) with a prompt. */
    private static final class Subject implements AutoCloseable {
        /** A 4:3 photo-like size: one tile for square models, 16x12 patches of 28 for qwen2.5-vl. */
        private static final int BENCH_IMAGE_WIDTH = 448, BENCH_IMAGE_HEIGHT = 336;

        final String name;
        final ModelConfig config;
        final Qwen2Model lm;
        final VisionEncoder vision;
        final VisionInput image;
        final int[] prompt;
        final RopePositions positions;
        final AutoCloseable owner;

        Subject(String name, ModelConfig config, Qwen2Model lm, VisionEncoder vision, VisionInput image, int[] prompt,
                RopePositions positions, AutoCloseable owner) {
            this.name = name;
            this.config = config;
            this.lm = lm;
            this.vision = vision;
            this.image = image;
            this.prompt = prompt;
            this.positions = positions;
            this.owner = owner;
        }

        static Subject shape(Backend b, String shape, int context) {
            ModelConfig config = ModelShapes.get(shape);
            Qwen2Model lm = Qwen2Model.load(b, config.text(), new RandomWeightSource(config, 1));
            int[] prompt = new SplittableRandom(2).ints(context, 0, config.decoding().maskTokenId()).toArray();
            return new Subject("shape " + shape + " (random weights, LM only)", config, lm, null, null, prompt, null, lm);
        }

        static Subject model(Backend b, Backend vision, Path dir) {
            try (ModelDirectory files = ModelDirectory.open(dir)) {
                VisionInput image = VisionPreprocessors.load(files.preprocessorConfig(), files.config())
                        .preprocess(noise(BENCH_IMAGE_WIDTH, BENCH_IMAGE_HEIGHT));
                LlavaModel m = LlavaModel.load(b, vision, files.config(), files.weights());
                int[] prompt = InputRows.prompt(files.captionPrompt().tokens(), m.vision().tokens(image));
                return new Subject("model " + dir, files.config(), m.lm(), m.vision(), image, prompt,
                        m.positions(prompt, image), m);
            }
        }

        /** The same noise image for every run, so that every family sees a fixed, typical size. */
        private static BufferedImage noise(int width, int height) {
            BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            SplittableRandom r = new SplittableRandom(7);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    im.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            return im;
        }

        @Override
        public void close() {
            try {
                owner.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
