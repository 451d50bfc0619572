package dvlcap.sweep;

import dvlcap.report.XmlPage;
import dvlcap.schemas.SweepTableSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep end to end on two example images: table, resumability, skipped settings, report. */
class SweepCommandTest {

    private static final Path MODEL = Path.of("..", "models", "shapes-dvlm");
    private static final String GRID = """
            batch_size: 2
            max_new_tokens: 24
            grid:
              - decoder: ar
              - decoder: block
                remasking: [static, dynamic]
              - decoder: speculative
            """;

    @TempDir
    static Path dir;
    private static Path out;
    private static String firstStderr;
    private static Map<String, byte[]> firstFiles;

    private static String[] args(Path grid, Path out) {
        return new String[]{"--grid", grid.toString(), "--input", "../examples/images", "--references",
                "../examples/manifest.jsonl", "--limit", "2", "--output", out.toString(), "--model", MODEL.toString(),
                "--backend", "cpu", "--warmup", "1"};
    }

    private static String run(Path grid, Path out) throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SweepCommand.run(args(grid, out), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status);
        return err.toString(StandardCharsets.UTF_8);
    }

    @BeforeAll
    static void sweepOnce() throws IOException {
        out = dir.resolve("sweep-out");
        Path grid = Files.writeString(dir.resolve("grid.yaml"), GRID);
        firstStderr = run(grid, out);
        firstFiles = files(out.resolve(SweepTable.SWEEP_DIR));
    }

    private static Map<String, byte[]> files(Path table) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(table)) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    @Test
    void eachRunnableSettingIsOneRowWithItsEffectiveSettingsAndScores() throws IOException {
        List<Map<String, Object>> rows = new SweepTable(out).rows();
        assertEquals(List.of("ar x2 n24", "static x2 n24", "dynamic t0.85 x2 n24"),
                rows.stream().map(r -> r.get(SweepTableSchema.SETTING)).toList());
        Map<String, Object> dynamic = rows.get(2);
        assertEquals(8, dynamic.get(SweepTableSchema.BLOCK_SIZE), "the model's block size, not the grid's 0");
        assertEquals(0.85, dynamic.get(SweepTableSchema.THRESHOLD));
        assertEquals(1, rows.get(0).get(SweepTableSchema.BLOCK_SIZE));
        assertEquals("shapes-dvlm", dynamic.get(SweepTableSchema.MODEL));
        assertTrue(((String) dynamic.get(SweepTableSchema.MODEL_HASH)).startsWith("sha256:"));
        for (Map<String, Object> r : rows) {
            assertEquals(2L, r.get(SweepTableSchema.IMAGES));
            assertTrue((Double) r.get(SweepTableSchema.CIDER_D) > 0, r.toString());
            double p50 = (Double) r.get(SweepTableSchema.LATENCY_P50_MS), p99 = (Double) r.get(SweepTableSchema.LATENCY_P99_MS);
            assertTrue(p50 > 0 && p50 <= p99, r.toString());
        }
        // AR decodes one token per forward; block decoding more.
        assertEquals(1.0, (Double) rows.get(0).get(SweepTableSchema.TOKENS_PER_FORWARD), 1e-9);
        assertTrue((Double) dynamic.get(SweepTableSchema.TOKENS_PER_FORWARD) > 1.5);
        assertEquals(6, new SweepTable(out).captions().size());
    }

    @Test
    void aSettingTheModelCannotRunIsReportedAndSkipped() {
        assertTrue(firstStderr.contains("skipping 'speculative x2 n24'"), firstStderr);
        assertTrue(firstStderr.contains("sweep [3/3] dynamic t0.85 x2 n24: 2/2 captions"), firstStderr);
    }

    @Test
    void aRerunRunsNothingAndLeavesTheTableAsItWas() throws IOException {
        String err = run(dir.resolve("grid.yaml"), out);
        assertTrue(err.contains("3 already in"), err);
        assertTrue(err.contains("0 to run"), err);
        Map<String, byte[]> again = files(out.resolve(SweepTable.SWEEP_DIR));
        assertEquals(firstFiles.keySet(), again.keySet());
        for (String f : firstFiles.keySet()) {
            assertArrayEquals(firstFiles.get(f), again.get(f), f);
        }
    }

    @Test
    void aGrownGridRunsOnlyItsNewSetting() throws IOException {
        Path grown = dir.resolve("grown-out");
        Path grid = Files.writeString(dir.resolve("grown.yaml"), GRID + "  - decoder: block\n    threshold: 0.5\n");
        // Copy the finished sweep, then extend it: the three finished settings are not run again.
        Files.createDirectories(grown);
        for (String table : List.of(SweepTable.SWEEP_DIR, SweepTable.CAPTIONS_DIR)) {
            Files.createDirectories(grown.resolve(table));
            for (Map.Entry<String, byte[]> f : files(out.resolve(table)).entrySet()) {
                Files.write(grown.resolve(table).resolve(f.getKey()), f.getValue());
            }
        }
        String err = run(grid, grown);
        assertTrue(err.contains("3 already in") && err.contains("1 to run"), err);
        assertTrue(err.contains("sweep [1/1] dynamic t0.5 x2 n24"), err);
        assertEquals(4, new SweepTable(grown).rows().size());
    }

    @Test
    void theReportIsWellFormedWithARowPerSettingAndTheSampleImages() throws Exception {
        Document page = XmlPage.parse(out.resolve(SweepReport.FILE));
        // Settings table: header + 3 settings; samples table: header, references, 3 settings.
        assertEquals(4.0, XmlPage.number(page, "count((//table)[1]/tr)"));
        assertEquals(5.0, XmlPage.number(page, "count((//table)[2]/tr)"));
        assertEquals(2.0, XmlPage.number(page, "count(//img[starts-with(@src, 'data:image/png;base64,')])"));
        assertEquals(3.0, XmlPage.number(page, "count(//*[local-name()='circle' and *[local-name()='title']])"));
        assertTrue(XmlPage.number(page, "count((//table)[1]/tr[@class='front'])") >= 1);
        String html = Files.readString(out.resolve(SweepReport.FILE));
        assertTrue(!html.contains("src=\"http") && !html.contains("href=\"http"), "no external resources");
    }
}
