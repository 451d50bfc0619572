package dvlcap.trainer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dvlcap.cli.Args;
import dvlcap.trainer.corpus.CorpusCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** eval's speculative and sub-block configurations, and its refusals, on the shipped models. */
class EvalCommandTest {
    private static final Path MODELS = Path.of("..", "models");
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    static Path tmp;
    private static Path corpus;

    @BeforeAll
    static void corpus() {
        corpus = tmp.resolve("heldout");
        assertEquals(0, CorpusCommand.run(new String[]{"--out", corpus.toString(), "--n", "3", "--seed", "2", "--split",
                "heldout"}, QUIET, System.err));
    }

    private static List<JsonNode> run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, EvalCommand.run(args, new PrintStream(out), QUIET));
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new java.util.ArrayList<>();
        for (String line : out.toString().split("\n")) {
            rows.add(json.readTree(line));
        }
        return rows;
    }

    @Test
    void aCausalLmModelIsEvaluatedWithArSpeculativeAndSubBlockByDefault() throws Exception {
        List<JsonNode> rows = run("--model", MODELS.resolve("shapes-fast-dvlm").toString(), "--corpus", corpus.toString(),
                "--sub-block-thresholds", "0.9,0.95", "--json");
        assertEquals(List.of("ar", "speculative", "sub-block 8 0.90", "sub-block 8 0.95"),
                rows.stream().map(r -> r.get("name").asText()).toList());
        assertTrue(rows.get(0).get("identicalToAr").isNull(), "the AR run is not compared with itself");
        assertEquals(6, rows.get(1).get("identicalToAr").asInt(), "speculative captions are the AR captions");
        assertTrue(rows.get(1).get("tokensPerVerify").asDouble() > 1, "tokens per verify step");
        assertEquals(8, rows.get(2).get("subBlock").asInt());
        assertTrue(rows.get(2).get("tokensPerVerify").isNull());
    }

    @Test
    void aModelWithoutTheCausalLossKeepsItsConfigurationsAndRefusesSpeculative() throws Exception {
        List<JsonNode> rows = run("--model", MODELS.resolve("shapes-dvlm").toString(), "--corpus", corpus.toString(),
                "--thresholds", "0.9", "--json");
        assertEquals(List.of("ar", "block static", "block dynamic 0.90"),
                rows.stream().map(r -> r.get("name").asText()).toList());
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> EvalCommand.run(new String[]{"--model",
                MODELS.resolve("shapes-dvlm").toString(), "--corpus", corpus.toString(), "--configs", "speculative"},
                QUIET, QUIET));
        assertTrue(e.getMessage().contains("causal_lm_loss"), e.getMessage());
        e = assertThrows(Args.UsageException.class, () -> EvalCommand.run(new String[]{"--model",
                MODELS.resolve("shapes-ar").toString(), "--corpus", corpus.toString(), "--configs", "ar,bogus"}, QUIET, QUIET));
        assertTrue(e.getMessage().contains("speculative or subblock"), e.getMessage());
        e = assertThrows(Args.UsageException.class, () -> EvalCommand.run(new String[]{"--model",
                MODELS.resolve("shapes-fast-dvlm").toString(), "--corpus", corpus.toString(), "--configs", "subblock",
                "--sub-block", "5"}, QUIET, QUIET));
        assertTrue(e.getMessage().contains("must divide the block size 32"), e.getMessage());
    }
}
