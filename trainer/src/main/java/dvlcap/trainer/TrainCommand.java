package dvlcap.trainer;

import dvlcap.image.AspectMode;
import dvlcap.image.ImagePreprocessor;
import dvlcap.model.CaptionPrompt;
import dvlcap.model.ChatTemplate;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.ModelDirectory;
import dvlcap.model.TextTokenizer;
import dvlcap.model.WordLevelTokenizerWriter;
import dvlcap.trainer.corpus.CaptionGrammar;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/** {@code dvlcap train}: trains the AR-VLM from scratch, or translates it into a block-diffusion VLM. */
public final class TrainCommand {

    static final String USAGE = """
            Usage: TrainCommand --corpus DIR --out DIR --stage ar|bd3|fast [--init DIR] [options]

            Trains a tiny llava-qwen2 model on the CPU and writes a Hugging Face style
            checkpoint the engine loads: config.json, model.safetensors (F32), tokenizer.json,
            tokenizer_config.json, preprocessor_config.json, plus loss.csv and loss.png.

              --corpus DIR        shapes corpus (manifest.jsonl + images/), from the corpus command
              --out DIR           output checkpoint directory (created; files replaced)
              --stage ar          stage 1: next-token loss on the caption, causal mask. Without
                                  --init a new model of --shape starts from random weights and
                                  a word-level tokenizer is built from the corpus.
              --stage bd3         stage 2: block-diffusion (BD3-LM) finetuning of the AR model
                                  given by --init; adds mask_token_id (the <|mask|> row) and
                                  block_size to config.json. Without --init, a block-diffusion
                                  model of --shape is trained from random weights (the baseline
                                  without the AR stage).
              --stage fast        Fast-dVLM's direct conversion of the AR model given by --init:
                                  block-diffusion loss on a noisy copy of the answer (blocks
                                  aligned to the answer's first token, which is never masked;
                                  token shift: position i is predicted at position i-1) plus the
                                  causal-LM loss on the clean copy (token-causal), weighted
                                  0.5/0.5; adds mask_token_id, block_size and causal_lm_loss to
                                  config.json, for --decoder speculative and --sub-block decoding
              --init DIR          checkpoint to start from (tokenizer and shape are taken from it)
              --steps N           optimizer steps (default 1200 for ar, 800 for bd3 and fast)
              --batch N           captions per step (default 16)
              --lr X              peak learning rate (default 1e-3 for ar, 5e-4 for bd3 and fast);
                                  linear warmup, then cosine decay to lr/10
              --warmup N          warmup steps (default min(100, steps/10))
              --seed S            seed of initialization, batch order and noise (default 0);
                                  the same seed gives the same weights for any --threads
              --threads N         worker threads (default: available processors)
              --eval-every N      evaluate every N steps, 0 = only at the end (default 100)
              --eval-corpus DIR   held-out corpus for evaluation; without it the last
                                  --eval-images images of --corpus are held out (default 32)
              --eval-images N     images held out when there is no --eval-corpus (0 = none)
              --block-size N      block size (default 8 for bd3, 32 for fast)
              --anneal LIST       fast only: block-size annealing, smaller blocks first, as
                                  SIZE:STEPS pairs trained before --block-size takes the rest
                                  (e.g. 8:400,16:400); evaluation uses --block-size
              --complementary yes|no  fast only: a second noisy copy of the answer masks exactly
                                  the positions the first left clean (Fast-dLLM v2's
                                  complementary masks; default no)
              --block-shift P     fast only: with probability P an example's block grid is
                                  shifted by 1..B-1 tokens (a short first block), so that blocks
                                  also start mid-answer, as speculative decoding's do (default 0)
              --shape NAME        default (64 patches, LM hidden 128, 4 layers) or micro (tests)
              --weight-decay X    AdamW decoupled weight decay, not on norms/biases (default 0.01)
              --clip X            gradient clipping to global L2 norm X, 0 = off (default 1.0)
              --help              print this help

            Progress (loss, tokens/s, ETA) goes to stderr.
            """;

    private TrainCommand() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        TrainOptions o;
        try {
            o = TrainOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("train: " + e.getMessage());
            return 2;
        }
        try {
            train(o, err);
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            err.println("train: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("train: " + e);
            return 1;
        }
    }

    /** Runs one stage and writes the checkpoint; returns the loss log. */
    public static LossLog train(TrainOptions o, PrintStream progress) {
        try {
            Files.createDirectories(o.out());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + o.out(), e);
        }
        List<ManifestLine> lines = ManifestLine.read(o.corpus());
        List<ManifestLine> evalLines = o.evalCorpus() == null ? List.of() : ManifestLine.read(o.evalCorpus());
        ModelConfig config = writeModelFiles(o, lines, evalLines);

        LlavaQwenModel model = new LlavaQwenModel(config);
        Parameters params = model.declare();
        if (o.init() != null) {
            try (ModelDirectory init = ModelDirectory.open(o.init())) {
                CheckpointFiles.readWeights(init.weights(), params);
            }
        } else {
            Initializer.normal(params, new SplittableRandom(o.seed()).split(), 0.02);
        }

        try (TextTokenizer tokenizer = TextTokenizer.load(o.out().resolve("tokenizer.json"))) {
            CaptionPrompt prompt = new CaptionPrompt(tokenizer, ChatTemplate.load(o.out()), config.decoding());
            ImagePreprocessor pre = ImagePreprocessor.load(o.out(), config.vision(),
                    AspectMode.parse(config.imageAspectRatio()));
            int eos = config.decoding().eosTokenIds().get(0);
            int unk = tokenizer.tokenId(Vocabulary.UNK).orElse(-1);
            TrainingCorpus train = TrainingCorpus.load(o.corpus(), lines, tokenizer, prompt, eos, unk,
                    config.imageTokens(), pre);
            TrainingCorpus eval = evalLines.isEmpty() ? null
                    : TrainingCorpus.load(o.evalCorpus(), evalLines, tokenizer, prompt, eos, unk, config.imageTokens(), pre);
            List<Integer> trainIdx, evalIdx = new ArrayList<>();
            if (eval != null) {
                trainIdx = train.indicesOfImages(0, train.imageCount());
                for (int i = 0; i < eval.size(); i++) {
                    evalIdx.add(train.size() + i);
                }
            } else {
                int held = Math.min(o.evalImages(), train.imageCount() / 5);
                trainIdx = train.indicesOfImages(0, train.imageCount() - held);
                evalIdx = train.indicesOfImages(train.imageCount() - held, train.imageCount());
            }
            IntFunction<CaptionSample> samples = i -> i < train.size() ? train.sample(i) : eval.sample(i - train.size());
            Objective objective = objective(o, config);
            progress.printf(Locale.ROOT, "%s: %,d parameters, %,d training captions (%,d images), %,d eval captions, "
                            + "prompt %d tokens, answers %.1f tokens on average; %d steps x %d, %d threads%n",
                    o.stage(), params.count(), trainIdx.size(), train.imageCount(), evalIdx.size(), train.promptLength(0),
                    train.meanAnswerTokens(), o.steps(), o.batch(), o.threads());
            Trainer.Settings s = new Trainer.Settings(o.steps(), o.batch(), o.lr(), o.warmup(), o.seed(), o.threads(),
                    o.evalEvery(), o.weightDecay(), o.clip());
            LossLog log = new Trainer(model, objective, s, progress).run(params, samples, trainIdx, evalIdx);
            CheckpointFiles.writeWeights(o.out(), params);
            log.writeCsv(o.out().resolve("loss.csv"));
            LossCurve.write(log.rows(), o.stage().toUpperCase(Locale.ROOT) + " stage", o.out().resolve("loss.png"));
            progress.println("wrote " + o.out());
            return log;
        }
    }

    /** config.json, tokenizer and preprocessor config in the output directory; returns the config. */
    private static ModelConfig writeModelFiles(TrainOptions o, List<ManifestLine> lines, List<ManifestLine> evalLines) {
        if (o.init() != null) {
            ModelConfig c = ModelConfigReader.read(o.init().resolve("config.json"));
            if (!o.init().toAbsolutePath().normalize().equals(o.out().toAbsolutePath().normalize())) {
                CheckpointFiles.copyTokenizerAndPreprocessor(o.init(), o.out());
            }
            if (o.stage().equals("bd3") && !c.decoding().isDiffusion()) {
                c = CheckpointFiles.diffusionConfig(c, maskRow(o), o.blockSize());
            } else if (o.stage().equals("fast")) {
                if (c.decoding().isDiffusion() && !c.decoding().causalLm()) {
                    throw new IllegalArgumentException(o.init() + " is a block-diffusion model trained without the causal-LM "
                            + "loss; --stage fast starts from an AR model (or continues a fast one)");
                }
                c = CheckpointFiles.diffusionConfig(c, maskRow(o), o.blockSize(), true);
            } else if (o.stage().equals("ar") && c.decoding().isDiffusion()) {
                throw new IllegalArgumentException(o.init() + " is a block-diffusion model; --stage ar needs an AR one");
            }
            return CheckpointFiles.writeConfig(o.out(), c);
        }
        List<ManifestLine> all = new ArrayList<>(lines);
        all.addAll(evalLines);
        List<String> words = Vocabulary.words(all);
        CheckpointFiles.writeTokenizer(o.out(), words);
        CheckpointFiles.writePreprocessor(o.out(), o.shape().imageSize());
        // Ids: words, then <|endoftext|> <|im_start|> <|im_end|> <image> <|mask|>; the mask row exists
        // from the start (as Qwen's padded rows do), so translation to BD3 changes no tensor shape.
        int vocab = words.size() + 5, imEnd = words.size() + 2, mask = words.size() + 4;
        ModelConfig config = CheckpointFiles.arConfig(o.shape(), vocab, imEnd, CaptionGrammar.PROMPT_DETAILED);
        if (o.stage().equals("bd3")) {
            // a block-diffusion model from random weights: the baseline that shows what the AR stage buys
            config = CheckpointFiles.diffusionConfig(config, mask, o.blockSize());
        } else if (o.stage().equals("fast")) {
            config = CheckpointFiles.diffusionConfig(config, mask, o.blockSize(), true);
        }
        return CheckpointFiles.writeConfig(o.out(), config);
    }

    /** The id of the mask embedding row in the output directory's tokenizer. */
    private static int maskRow(TrainOptions o) {
        try (TextTokenizer t = TextTokenizer.load(o.out().resolve("tokenizer.json"))) {
            return t.tokenId(WordLevelTokenizerWriter.MASK).orElseThrow(() -> new IllegalArgumentException(
                    o.init() + "'s tokenizer has no " + WordLevelTokenizerWriter.MASK + " row for the mask embedding"));
        }
    }

    /** The stage's training objective. */
    static Objective objective(TrainOptions o, ModelConfig config) {
        int eos = config.decoding().eosTokenIds().get(0);
        return switch (o.stage()) {
            case "ar" -> new ArObjective();
            case "bd3" -> new Bd3Objective(config.decoding().blockSize(), config.decoding().maskTokenId(), eos);
            default -> {
                FastDvlmObjective last = new FastDvlmObjective(config.decoding().blockSize(),
                        config.decoding().maskTokenId(), eos).with(o.complementary(), o.blockShift());
                yield o.anneal().isEmpty() ? last : new BlockAnnealing(last, o.anneal());
            }
        };
    }
}
