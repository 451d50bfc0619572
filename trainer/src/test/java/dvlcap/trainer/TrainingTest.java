package dvlcap.trainer;

import dvlcap.backend.Backend;
import dvlcap.backend.Backends;
import dvlcap.model.ModelDirectory;
import dvlcap.nn.LlavaModel;
import dvlcap.trainer.corpus.CaptionStyle;
import dvlcap.trainer.corpus.CorpusWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Short training runs: the loss falls in both stages, the checkpoints load, a seed fixes the weights. */
class TrainingTest {

    private static double meanTrain(List<LossLog.Row> rows, int from, int to) {
        return rows.stream().filter(r -> r.step() >= from && r.step() <= to).mapToDouble(LossLog.Row::trainLoss)
                .average().orElseThrow();
    }

    @Test
    void bothStagesLowerTheLossAndWriteLoadableCheckpoints(@TempDir Path tmp) throws Exception {
        Path corpus = tmp.resolve("corpus"), ar = tmp.resolve("ar"), bd3 = tmp.resolve("bd3");
        new CorpusWriter(7).write(corpus, 24, "train", List.of(CaptionStyle.values()), i -> { });
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

        LossLog arLog = TrainCommand.train(TrainOptions.parse(new String[]{"--corpus", corpus.toString(), "--out", ar.toString(),
                "--stage", "ar", "--shape", "micro", "--steps", "40", "--batch", "8", "--lr", "3e-3", "--warmup", "4",
                "--eval-every", "0", "--eval-images", "4", "--threads", "2"}), quiet);
        double first = arLog.rows().stream().filter(r -> r.step() == 1).findFirst().orElseThrow().trainLoss();
        double last = meanTrain(arLog.rows(), 36, 40);
        assertTrue(last < first - 1.0, "AR loss " + first + " -> " + last);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "preprocessor_config.json", "loss.csv", "loss.png")) {
            assertTrue(Files.size(ar.resolve(f)) > 0, f);
        }

        LossLog bdLog = TrainCommand.train(TrainOptions.parse(new String[]{"--corpus", corpus.toString(), "--out", bd3.toString(),
                "--stage", "bd3", "--init", ar.toString(), "--steps", "25", "--batch", "8", "--lr", "3e-3", "--warmup", "3",
                "--eval-every", "0", "--eval-images", "4", "--threads", "2"}), quiet);
        List<LossLog.Row> evals = bdLog.rows().stream().filter(r -> !Double.isNaN(r.evalLoss())).toList();
        assertEquals(0, evals.get(0).step());
        double before = evals.get(0).evalLoss(), after = evals.get(evals.size() - 1).evalLoss();
        assertTrue(after < before, "BD3 eval loss (fixed noise) " + before + " -> " + after);

        try (ModelDirectory md = ModelDirectory.open(bd3); Backend b = Backends.create("scalar");
             LlavaModel engine = LlavaModel.load(b, md.config(), md.weights())) {
            assertTrue(md.config().decoding().isDiffusion());
            assertEquals(8, md.config().decoding().blockSize());
            assertEquals(md.tokenizer().tokenId("<|mask|>").orElseThrow(), md.config().decoding().maskTokenId());
            assertTrue(!md.config().decoding().causalLm());
        }

        // Fast-dVLM's direct conversion of the same AR model, block 16 after 10 steps of block 4.
        Path fast = tmp.resolve("fast");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        LossLog fastLog = TrainCommand.train(TrainOptions.parse(new String[]{"--corpus", corpus.toString(), "--out",
                fast.toString(), "--stage", "fast", "--init", ar.toString(), "--steps", "25", "--batch", "8", "--lr", "3e-3",
                "--warmup", "3", "--block-size", "16", "--anneal", "4:10", "--eval-every", "0", "--eval-images", "4",
                "--threads", "2"}), new PrintStream(progress));
        List<LossLog.Row> fastEvals = fastLog.rows().stream().filter(r -> !Double.isNaN(r.evalLoss())).toList();
        assertTrue(fastEvals.get(fastEvals.size() - 1).evalLoss() < fastEvals.get(0).evalLoss(),
                "fast eval loss " + fastEvals.get(0).evalLoss() + " -> " + fastEvals.get(fastEvals.size() - 1).evalLoss());
        assertTrue(progress.toString().contains("fast step 1: block size 4"), progress.toString());
        assertTrue(progress.toString().contains("fast step 11: block size 16"), progress.toString());
        try (ModelDirectory md = ModelDirectory.open(fast)) {
            assertTrue(md.config().decoding().isDiffusion());
            assertTrue(md.config().decoding().causalLm(), "config.json says causal_lm_loss");
            assertEquals(16, md.config().decoding().blockSize());
            assertEquals(md.tokenizer().tokenId("<|mask|>").orElseThrow(), md.config().decoding().maskTokenId());
        }
        assertTrue(Files.readString(fast.resolve("config.json")).contains("\"causal_lm_loss\" : true"));
    }

    @Test
    void blockDiffusionFromScratchWritesADiffusionModelWithTheMaskRow(@TempDir Path tmp) throws Exception {
        Path corpus = tmp.resolve("corpus"), out = tmp.resolve("scratch");
        new CorpusWriter(8).write(corpus, 8, "train", List.of(CaptionStyle.values()), i -> { });
        LossLog log = TrainCommand.train(TrainOptions.parse(new String[]{"--corpus", corpus.toString(), "--out",
                out.toString(), "--stage", "bd3", "--shape", "micro", "--steps", "3", "--batch", "4",
                "--eval-every", "0", "--eval-images", "0", "--threads", "2"}), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(3, log.rows().stream().filter(r -> r.step() > 0).count());
        try (ModelDirectory md = ModelDirectory.open(out)) {
            assertTrue(md.config().decoding().isDiffusion());
            assertEquals(md.tokenizer().tokenId("<|mask|>").orElseThrow(), md.config().decoding().maskTokenId());
        }
    }

    @Test
    void aSeedGivesTheSameWeightsWhateverTheThreadCount() {
        LlavaQwenModel model = new LlavaQwenModel(TinyModels.config(true));
        List<CaptionSample> samples = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            samples.add(TinyModels.sample(100 + i));
        }
        List<Integer> train = List.of(0, 1, 2, 3, 4, 5);
        Parameters[] out = new Parameters[2];
        for (int threads = 1; threads <= 2; threads++) {
            Parameters p = model.declare();
            Initializer.normal(p, new SplittableRandom(1), 0.2);
            Trainer.Settings s = new Trainer.Settings(4, 4, 1e-2, 1, 42, threads, 0, 0.01, 1.0);
            new Trainer(model, new Bd3Objective(4, TinyModels.MASK, TinyModels.EOS), s,
                    new PrintStream(new ByteArrayOutputStream())).run(p, samples::get, train, List.of());
            out[threads - 1] = p;
        }
        for (String name : out[0].names()) {
            assertArrayEquals(out[0].get(name), out[1].get(name), name);
        }
    }

    @Test
    void learningRateWarmsUpLinearlyThenDecaysByCosineToATenth() {
        LearningRate lr = new LearningRate(1.0, 10, 110, 0.1);
        assertEquals(0.1, lr.at(1), 1e-12);
        assertEquals(1.0, lr.at(10), 1e-12);
        assertEquals(0.55, lr.at(60), 1e-12);
        assertEquals(0.1, lr.at(110), 1e-12);
    }

    @Test
    void adamWDoesNotDecayNormsOrBiases() {
        assertTrue(AdamW.decays("model.layers.0.mlp.up_proj.weight"));
        assertTrue(AdamW.decays("model.embed_tokens.weight"));
        assertTrue(!AdamW.decays("model.layers.0.input_layernorm.weight"));
        assertTrue(!AdamW.decays("model.norm.weight"));
        assertTrue(!AdamW.decays("model.vision_tower.vision_tower.vision_model.encoder.layers.0.layer_norm1.weight"));
        assertTrue(!AdamW.decays("model.layers.0.self_attn.q_proj.bias"));
    }
}
