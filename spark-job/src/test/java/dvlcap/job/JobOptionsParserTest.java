package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.decode.DecoderKind;
import dvlcap.decode.RemaskingKind;
import dvlcap.engine.KvBudget;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobOptionsParserTest {

    static final String[] REQUIRED = {"--input", "in", "--output", "out", "--model", "m"};

    static JobOptions parse(String... extra) throws UsageException {
        String[] args = new String[REQUIRED.length + extra.length];
        System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
        System.arraycopy(extra, 0, args, REQUIRED.length, extra.length);
        return JobOptionsParser.parse(args);
    }

    static String error(String... extra) {
        return assertThrows(UsageException.class, () -> parse(extra)).getMessage();
    }

    @Test
    void defaultsMatchTheCaptionCommand() throws UsageException {
        JobOptions o = parse();
        assertEquals(DecoderKind.BLOCK, o.decodingSettings().decoder());
        assertEquals(RemaskingKind.DYNAMIC, o.decodingSettings().remasking());
        assertEquals(0.85f, o.decodingSettings().threshold());
        assertEquals(128, o.decodingSettings().maxNewTokens());
        assertEquals(16, o.batchSize());
        assertEquals("local[*]", o.master());
        assertEquals("auto", o.backend().name());
        assertTrue(o.kvBudget().isAuto());
        assertEquals("image", o.imageColumn());
        assertEquals(JobOptions.InputFormat.AUTO, o.inputFormat());
        assertFalse(o.resume());
        assertNull(o.prompt());
        assertEquals(0, o.limit());
    }

    @Test
    void everyOptionIsParsedInBothSpellings() throws UsageException {
        JobOptions o = parse("--decoder", "ar", "--block-size=8", "--steps", "4", "--remasking", "STATIC",
                "--threshold", "0.9", "--max-new-tokens", "64", "--batch-size", "32", "--prompt", "Describe.",
                "--seed", "-3", "--references", "r.jsonl", "--partitions", "12", "--resume", "--limit", "100",
                "--master", "local[2]", "--backend", "cuda", "--conf", "spark.a=b=c", "--image-column", "jpg",
                "--input-format", "parquet", "--temperature", "0.7", "--top-k", "5", "--top-p", "0.9", "--kv-budget", "512m", "--heap-weights", "2g");
        assertEquals(DecoderKind.AR, o.decodingSettings().decoder());
        assertEquals(8, o.decodingSettings().blockSize());
        assertEquals(4, o.decodingSettings().steps());
        assertEquals(RemaskingKind.STATIC, o.decodingSettings().remasking());
        assertEquals(0.9f, o.decodingSettings().threshold());
        assertEquals(64, o.decodingSettings().maxNewTokens());
        assertEquals(32, o.batchSize());
        assertEquals("Describe.", o.prompt());
        assertEquals(-3, o.decodingSettings().seed());
        assertEquals("r.jsonl", o.references());
        assertEquals(12, o.partitions());
        assertTrue(o.resume());
        assertEquals(100, o.limit());
        assertEquals("local[2]", o.master());
        assertEquals("cuda", o.backend().name());
        assertEquals(2L << 30, o.backend().heapWeightBytes());
        assertEquals(KvBudget.ofBytes(512L << 20), o.kvBudget());
        assertEquals(KvBudget.ofFraction(0.5), parse("--kv-budget=0.5").kvBudget());
        assertEquals(Map.of("spark.a", "b=c"), o.sparkConf());
        assertEquals("jpg", o.imageColumn());
        assertEquals(JobOptions.InputFormat.PARQUET, o.inputFormat());
        assertEquals(0.7f, o.decodingSettings().temperature());
    }

    @Test
    void badValuesSayWhatIsAllowed() {
        assertTrue(error("--decoder", "diffusion").contains("--decoder must be one of block, ar"));
        assertTrue(error("--remasking", "random").contains("static, dynamic"));
        assertTrue(error("--backend", "tpu").contains("--backend: unknown backend 'tpu'; allowed: auto, cpu, vector, scalar, cuda"));
        assertTrue(error("--heap-weights", "half").contains("--heap-weights 'half': expected bytes"));
        assertTrue(error("--kv-budget", "lots").contains("--kv-budget 'lots': expected bytes with an optional"));
        assertTrue(error("--block-size", "0").contains("--block-size must be an integer >= 1"));
        assertTrue(error("--batch-size", "many").contains("--batch-size must be an integer >= 1"));
        assertTrue(error("--threshold", "high").contains("--threshold must be a number"));
        assertTrue(error("--top-p", "1.5").contains("(0, 1]"));
        assertTrue(error("--limit", "-1").contains(">= 1"));
        assertTrue(error("--input-format", "csv").contains("auto, images, parquet"));
        assertTrue(error("--conf", "novalue").contains("KEY=VALUE"));
        assertTrue(error("--frobnicate").contains("unknown option '--frobnicate' for 'job'; allowed: "));
        assertTrue(error("--steps").contains("--steps needs a value"));
        assertTrue(error("--resume=yes").contains("takes no value"));
        assertTrue(error("--limit", "1", "--limit", "2").contains("given twice"));
    }

    @Test
    void missingRequiredOptionIsNamed() {
        UsageException e = assertThrows(UsageException.class,
                () -> JobOptionsParser.parse("--input", "in", "--model", "m"));
        assertTrue(e.getMessage().startsWith("--output is required"), e.getMessage());
    }

    @Test
    void withoutModelTheEmbeddedModelIsUsedOrItsAbsenceNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home)
            throws Exception {
        String before = System.getProperty("dvlcap.home");
        try {
            System.setProperty("dvlcap.home", home.toString());
            UsageException e = assertThrows(UsageException.class,
                    () -> JobOptionsParser.parse("--input", "in", "--output", "out"));
            assertTrue(e.getMessage().contains("--model") && e.getMessage().contains("shapes-dvlm"), e.getMessage());
            java.nio.file.Path model = java.nio.file.Files.createDirectories(home.resolve("models/shapes-dvlm"));
            java.nio.file.Files.writeString(model.resolve("config.json"), "{}");
            assertEquals(model.toString(), JobOptionsParser.parse("--input", "in", "--output", "out").model());
        } finally {
            if (before == null) {
                System.clearProperty("dvlcap.home");
            } else {
                System.setProperty("dvlcap.home", before);
            }
        }
    }

    @Test
    void helpDocumentsEveryOption() {
        String help = JobOptionsParser.help();
        for (JobOptionsParser.Option o : JobOptionsParser.OPTIONS) {
            assertTrue(help.contains(o.name()), o.name());
        }
        assertTrue(JobOptionsParser.wantsHelp(new String[] {"--input", "x", "-h"}));
    }

    /** Truthful help: every flag the parser accepts, shared groups included, is described. */
    @Test
    void helpDocumentsEveryAcceptedFlag() {
        String help = JobOptionsParser.help();
        for (String name : JobOptionsParser.VALUED) {
            assertTrue(help.contains("--" + name + " "), name);
        }
        for (String name : JobOptionsParser.SWITCHES) {
            assertTrue(help.contains("--" + name), name);
        }
        assertTrue(help.contains("auto|cpu|vector|scalar|cuda"), help);
    }
}
