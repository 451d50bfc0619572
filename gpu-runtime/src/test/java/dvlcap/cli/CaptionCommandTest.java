package dvlcap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dvlcap.testing.BadImages;
import dvlcap.testing.TinyCheckpoints;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dvlcap caption} as a user runs it, on a tiny random checkpoint. */
class CaptionCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static Map<String, BadImages.Expected> images;

    @BeforeAll
    static void setUp() {
        model = TinyCheckpoints.write(dir.resolve("model"), TinyCheckpoints.Spec.tiny(3));
        images = BadImages.write(dir.resolve("images"));
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = EngineCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsOneJsonLinePerImageInOrderWithCountersAndAnErrorLineForBadOnes() throws Exception {
        List<String> args = new ArrayList<>(List.of("caption", "--model", model.toString(), "--json",
                "--max-new-tokens", "12", "--batch-size", "3"));
        List<String> names = new ArrayList<>(images.keySet());
        names.forEach(n -> args.add(dir.resolve("images").resolve(n).toString()));
        Run r = run(args.toArray(String[]::new));
        String[] lines = r.out().strip().split("\n");
        assertEquals(names.size(), lines.length, r.out() + r.err());
        ObjectMapper json = new ObjectMapper();
        boolean anyError = false;
        for (int i = 0; i < lines.length; i++) {
            JsonNode n = json.readTree(lines[i]);
            assertTrue(n.get("image").asText().endsWith(names.get(i)), "order kept");
            if (images.get(names.get(i)).valid()) {
                assertTrue(n.has("caption"), lines[i]);
                assertTrue(n.get("tokens").asInt() >= 1 && n.get("tokens").asInt() <= 12, lines[i]);
                assertTrue(n.get("forward_passes").asInt() >= 1, lines[i]);
                assertTrue(n.get("tokens_per_forward").asDouble() > 0, lines[i]);
                assertTrue(n.has("vision_ms") && n.has("prefill_ms") && n.has("decode_ms"), lines[i]);
            } else {
                anyError = true;
                assertFalse(n.get("error").asText().isBlank(), lines[i]);
            }
        }
        assertTrue(anyError);
        assertEquals(1, r.status(), "a failed image makes the exit status 1");
    }

    @Test
    void plainOutputIsImageTabCaption() {
        String png = dir.resolve("images").resolve(validImage()).toString();
        Run r = run("caption", "--model", model.toString(), "--max-new-tokens", "8", png, png);
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith(png + "\t"));
        assertEquals(lines[0], lines[1], "same image, same greedy caption");
    }

    @Test
    void badFlagsSayWhatIsAllowed() {
        Run unknown = run("caption", "--model", model.toString(), "--blok-size", "4", "x.png");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("--block-size"), unknown.err());
        Run badChoice = run("caption", "--model", model.toString(), "--remasking", "sometimes", "x.png");
        assertTrue(badChoice.err().contains("static, dynamic"), badChoice.err());
        Run badNumber = run("caption", "--model", model.toString(), "--steps", "0", "x.png");
        assertTrue(badNumber.err().contains("--steps must be an integer >= 1"), badNumber.err());
        Run noModel = run("caption", "x.png");
        assertTrue(noModel.err().contains("--model"), noModel.err());
    }

    @Test
    void aKvBudgetTooSmallOrMalformedSaysWhatIsAllowed() {
        String png = dir.resolve("images").resolve(validImage()).toString();
        Run malformed = run("caption", "--model", model.toString(), "--kv-budget", "lots", png);
        assertEquals(2, malformed.status());
        assertTrue(malformed.err().contains("--kv-budget 'lots': expected bytes with an optional k/m/g/t suffix"),
                malformed.err());
        Run tiny = run("caption", "--model", model.toString(), "--kv-budget", "1k", png);
        assertEquals(2, tiny.status());
        assertTrue(tiny.err().contains("below one page") && tiny.err().contains("raise --kv-budget"), tiny.err());
    }

    @Test
    void aKvBudgetOfOneSequenceCaptionsEveryImageAsTheDefaultDoes() {
        String png = dir.resolve("images").resolve(validImage()).toString();
        // one page (16 positions x 2 x 2 layers x 32 floats x 4 bytes = 8k) is too small for any caption,
        // and the error says what one needs
        Run onePage = run("caption", "--model", model.toString(), "--max-new-tokens", "8", "--kv-budget", "8k", png);
        assertEquals(1, onePage.status());
        java.util.regex.Matcher need = java.util.regex.Pattern.compile("needs \\d+ KV pages of 16 positions \\((\\d+) bytes\\)")
                .matcher(onePage.out() + onePage.err());
        assertTrue(need.find(), onePage.out() + onePage.err());
        String oneSequence = need.group(1);
        Run roomy = run("caption", "--model", model.toString(), "--max-new-tokens", "8", "--batch-size", "3", png, png,
                png);
        Run tight = run("caption", "--model", model.toString(), "--max-new-tokens", "8", "--batch-size", "3",
                "--kv-budget", oneSequence, png, png, png);
        assertEquals(0, tight.status(), tight.err());
        assertEquals(roomy.out(), tight.out(), "one at a time, the same captions");
    }

    @Test
    void helpDocumentsEveryDecodingFlag() {
        Run r = run("caption", "--help");
        assertEquals(0, r.status());
        for (String flag : DecodingFlags.VALUED) {
            assertTrue(r.out().contains("--" + flag), flag);
        }
    }

    @Test
    void aBrokenModelDirectoryIsReportedWithItsFile() {
        Run r = run("caption", "--model", dir.resolve("nowhere").toString(), "x.png");
        assertTrue(r.status() != 0);
        assertTrue(r.err().contains("nowhere"), r.err());
    }

    @Test
    void anUnavailableCudaBackendIsAMessageNotAStackTrace() {
        Run r = run("caption", "--model", model.toString(), "--backend", "cuda", "x.png");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("dvlcap caption: "), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    private static String validImage() {
        return images.entrySet().stream().filter(e -> e.getValue().valid() && e.getKey().endsWith(".png"))
                .findFirst().orElseThrow().getKey();
    }
}
