package dvlcap.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.decode.RemaskingKind;
import dvlcap.engine.EngineOptions;
import dvlcap.quality.Manifest;
import dvlcap.trainer.corpus.CorpusCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models shipped in models/ do what their cards say, on scenes they never saw: 24 images of the
 * held-out split's seed, each captioned short and detailed. The bounds sit below the cards' figures
 * on 1,000 held-out captions by the margin that 48 captions can wander; a model trained wrong, a
 * checkpoint the engine reads wrong, or a decoder that lost its way falls far below them.
 */
class ShippedModelsTest {
    private static final Path MODELS = Path.of("..", "models"); // tests run in the module directory
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    /** shapes-fast-dvlm on 1,000 held-out captions: speculative 5.11, sub-block 8 at 0.9 3.10 (its card). */
    private static final double SPECULATIVE_TOKENS_PER_FORWARD = 4.0, SUB_BLOCK_TOKENS_PER_FORWARD = 2.5;

    @TempDir
    static Path tmp;
    /** Each model evaluated once, the tests share the runs: AR decoding, and dynamic remasking at 0.85. */
    private static EvalRun ar, dvlm, scratch, fastAr, fastSpeculative, fastSubBlock;
    /** shapes-fast-dvlm's speculative captions that equal its AR captions token for token. */
    private static int speculativeSameAsAr;

    @BeforeAll
    static void evaluateOnHeldOutScenes() throws IOException {
        Path dir = tmp.resolve("heldout");
        assertEquals(0, CorpusCommand.run(new String[] {"--out", dir.toString(), "--n", "24", "--seed", "2", "--split",
                "heldout"}, QUIET, System.err));
        Manifest heldOut = Manifest.read(dir.resolve("manifest.jsonl"));
        DecodingSettings dynamic = DecodingSettings.defaults().withRemasking(RemaskingKind.DYNAMIC, 0.85f);
        ar = evaluate(heldOut, "shapes-ar", DecodingSettings.defaults().withDecoder(DecoderKind.AR));
        dvlm = evaluate(heldOut, "shapes-dvlm", dynamic);
        scratch = evaluate(heldOut, "shapes-dvlm-scratch", dynamic);
        EvalCommand.Outcome a = outcome(heldOut, "shapes-fast-dvlm", DecodingSettings.defaults().withDecoder(DecoderKind.AR));
        EvalCommand.Outcome sp = outcome(heldOut, "shapes-fast-dvlm",
                DecodingSettings.defaults().withDecoder(DecoderKind.SPECULATIVE));
        fastAr = a.run();
        fastSpeculative = sp.run();
        speculativeSameAsAr = EvalCommand.identical(a.results(), sp.results());
        fastSubBlock = evaluate(heldOut, "shapes-fast-dvlm", DecodingSettings.defaults().withSubBlock(8, 0.9f));
    }

    private static EvalCommand.Outcome outcome(Manifest heldOut, String model, DecodingSettings settings)
            throws IOException {
        return EvalCommand.evaluateWithResults(model, MODELS.resolve(model), heldOut, heldOut.entries(),
                new EngineOptions(settings, 16, "auto"), 0, QUIET);
    }

    private static EvalRun evaluate(Manifest heldOut, String model, DecodingSettings settings) throws IOException {
        return EvalCommand.evaluate(model, MODELS.resolve(model), heldOut, heldOut.entries(),
                new EngineOptions(settings, 16, "auto"), QUIET);
    }

    @Test
    void theArModelNamesTheObjectsOfUnseenScenes() {
        assertEquals(48, ar.captions());
        assertTrue(ar.objectF1() >= 0.9, "object F1 " + ar.objectF1());
        assertTrue(ar.scores().ciderD() >= 6.8, "CIDEr-D " + ar.scores().ciderD());
    }

    @Test
    void theDvlmNamesThemToo_withSeveralTokensPerForward() {
        assertEquals(48, dvlm.captions());
        assertTrue(dvlm.objectF1() >= 0.93, "object F1 " + dvlm.objectF1());
        assertTrue(dvlm.scores().ciderD() >= 6.9, "CIDEr-D " + dvlm.scores().ciderD());
        assertTrue(dvlm.tokensPerForward() >= 3.5, "tokens per forward " + dvlm.tokensPerForward());
    }

    @Test
    void theDvlmKeepsTheArModelsQuality() {
        // the target is 3% on 1,000 captions (the cards); 5% leaves room for 48 captions' noise
        assertTrue(dvlm.scores().ciderD() >= 0.95 * ar.scores().ciderD(),
                "dVLM CIDEr-D " + dvlm.scores().ciderD() + " against the AR model's " + ar.scores().ciderD());
    }

    @Test
    void translationFromTheArModelBeatsTheSameDiffusionBudgetFromScratch() {
        assertTrue(dvlm.objectF1() > scratch.objectF1() + 0.3,
                "translated " + dvlm.objectF1() + ", from scratch " + scratch.objectF1());
    }

    @Test
    void theFastDvlmsSpeculativeCaptionsAreItsArCaptions_withSeveralTokensPerForward() {
        assertEquals(48, fastSpeculative.captions());
        assertEquals(48, speculativeSameAsAr, "speculative decoding equals AR greedy decoding token for token");
        assertTrue(fastAr.scores().ciderD() >= 6.8, "AR CIDEr-D " + fastAr.scores().ciderD());
        assertTrue(fastSpeculative.tokensPerForward() >= SPECULATIVE_TOKENS_PER_FORWARD,
                "tokens per forward " + fastSpeculative.tokensPerForward());
    }

    @Test
    void theFastDvlmsSubBlockDecodingKeepsTheArModelsQuality() {
        assertTrue(fastSubBlock.scores().ciderD() >= 0.95 * ar.scores().ciderD(),
                "sub-block CIDEr-D " + fastSubBlock.scores().ciderD() + " against shapes-ar's " + ar.scores().ciderD());
        assertTrue(fastSubBlock.tokensPerForward() >= SUB_BLOCK_TOKENS_PER_FORWARD,
                "tokens per forward " + fastSubBlock.tokensPerForward());
    }
}
