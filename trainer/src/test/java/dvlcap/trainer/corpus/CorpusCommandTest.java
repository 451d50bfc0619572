package dvlcap.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.quality.Manifest;
import dvlcap.quality.ManifestEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusCommandTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CorpusCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sameSeedWritesTheSameBytes(@TempDir Path tmp) throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertEquals(0, run("--out", a.toString(), "--n", "12", "--seed", "5").code());
        assertEquals(0, run("--out", b.toString(), "--n", "12", "--seed", "5").code());
        assertArrayEquals(Files.readAllBytes(a.resolve("manifest.jsonl")), Files.readAllBytes(b.resolve("manifest.jsonl")));
        try (Stream<Path> files = Files.list(a.resolve("images"))) {
            List<Path> pngs = files.sorted().toList();
            assertEquals(12, pngs.size());
            for (Path p : pngs) {
                assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(b.resolve("images").resolve(p.getFileName())));
            }
        }
        run("--out", b.toString(), "--n", "12", "--seed", "6");
        assertFalse(Files.readString(a.resolve("manifest.jsonl")).equals(Files.readString(b.resolve("manifest.jsonl"))));
    }

    @Test
    void bothStylesGiveTwoLinesSharingTheImage(@TempDir Path tmp) throws IOException {
        assertEquals(0, run("--out", tmp.toString(), "--n", "3", "--seed", "1", "--split", "test").code());
        Manifest m = Manifest.read(tmp.resolve("manifest.jsonl"));
        assertEquals(6, m.entries().size());
        ManifestEntry s = m.entries().get(0);
        ManifestEntry d = m.entries().get(1);
        assertEquals("test-000000-short", s.id());
        assertEquals("test-000000-detailed", d.id());
        assertEquals("images/test-000000.png", s.file());
        assertEquals(s.file(), d.file());
        assertTrue(Files.exists(m.image(s)));
        assertEquals("test", s.split());
        assertEquals(CaptionGrammar.PROMPT_SHORT, s.prompt());
        assertEquals(CaptionGrammar.PROMPT_DETAILED, d.prompt());
        Scene scene = SceneJson.fromJson(s.sceneJson());
        assertEquals(new SceneGenerator(1).scene(0), scene);
        assertEquals(CaptionGrammar.caption(scene, CaptionStyle.DETAILED), d.caption());
        assertEquals(CaptionGrammar.references(scene, CaptionStyle.SHORT), s.references());
    }

    @Test
    void singleStyleWritesOneLinePerImage(@TempDir Path tmp) throws IOException {
        assertEquals(0, run("--out", tmp.toString(), "--n", "4", "--seed", "1", "--style", "detailed").code());
        List<ManifestEntry> entries = Manifest.read(tmp.resolve("manifest.jsonl")).entries();
        assertEquals(4, entries.size());
        assertTrue(entries.stream().allMatch(e -> e.style().equals("detailed")));
    }

    @Test
    void helpDescribesEveryOption() {
        Result r = run("--help");
        assertEquals(0, r.code());
        for (String option : List.of("--out", "--n", "--seed", "--split", "--style", "short", "detailed", "both")) {
            assertTrue(r.out().contains(option), option);
        }
    }

    @Test
    void badValuesSayWhatIsAllowed(@TempDir Path tmp) {
        String out = tmp.toString();
        assertTrue(run("--out", out, "--n", "0", "--seed", "1").err().contains("--n must be an integer from 1 to"));
        assertTrue(run("--out", out, "--n", "x", "--seed", "1").err().contains("--n must be an integer"));
        assertTrue(run("--out", out, "--n", "1", "--seed", "1.5").err().contains("--seed must be a 64-bit integer"));
        assertTrue(run("--out", out, "--n", "1", "--seed", "1", "--style", "long").err()
                .contains("--style must be one of short, detailed, both"));
        assertTrue(run("--out", out, "--n", "1", "--seed", "1", "--split", "a/b").err().contains("--split must be"));
        assertTrue(run("--out", out, "--n", "1").err().contains("--out, --n and --seed are required"));
        assertTrue(run("--frobnicate", "1").err().contains("unknown option '--frobnicate' for 'corpus'"));
        assertTrue(run("--out", out, "--n").err().contains("--n needs a value"));
        assertEquals(2, run("--out", out, "--n", "0", "--seed", "1").code());
    }

    @Test
    void progressGoesToStderrForLargeRuns(@TempDir Path tmp) {
        Result r = run("--out", tmp.toString(), "--n", "1000", "--seed", "2", "--style", "short");
        assertEquals(0, r.code());
        assertTrue(r.err().contains("corpus: 1000/1000 images (100%)"), r.err());
        assertTrue(r.out().contains("wrote 1000 images and 1000 manifest lines"), r.out());
    }
}
