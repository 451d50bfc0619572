package dvlcap.report;

import dvlcap.job.CaptionJob;
import dvlcap.schemas.CaptionsTableSchema;
import dvlcap.schemas.MetricsTableSchema;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job report over captions and metrics tables in the job's layout, written here without Spark. */
class JobReportTest {

    @TempDir
    Path dir;

    private static Map<String, Object> filled(Schema schema) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (Field f : schema.getFields()) {
            if (f.isNullable()) {
                continue;
            }
            r.put(f.getName(), switch (f.getType().getTypeID()) {
                case Utf8 -> "x";
                case Int -> ((ArrowType.Int) f.getType()).getBitWidth() == 32 ? (Object) 1 : (Object) 1L;
                case FloatingPoint -> 1.0;
                case Timestamp -> Instant.parse("2026-01-02T03:04:05Z");
                default -> throw new AssertionError(f);
            });
        }
        return r;
    }

    private Path jobOutput() throws Exception {
        Path out = dir.resolve("job");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> r = filled(CaptionsTableSchema.SCHEMA);
            r.put(CaptionsTableSchema.ID, "img-" + i);
            r.put(CaptionsTableSchema.SOURCE, Path.of("../examples/images/example-00000" + i + ".png").toAbsolutePath()
                    .toUri().toString());
            r.put(CaptionsTableSchema.STATUS, "ok");
            r.put(CaptionsTableSchema.CAPTION, "caption <" + i + "> & more");
            r.put(CaptionsTableSchema.LATENCY_MS, 100.0 * (i + 1));
            r.put(CaptionsTableSchema.TOKENS_PER_FORWARD, 2.0 + i);
            rows.add(r);
        }
        Map<String, Object> bad = filled(CaptionsTableSchema.SCHEMA);
        bad.put(CaptionsTableSchema.ID, "broken.png");
        bad.put(CaptionsTableSchema.SOURCE, "file:/nowhere/broken.png");
        bad.put(CaptionsTableSchema.STATUS, "error");
        bad.put(CaptionsTableSchema.ERROR, "not an image: unknown format");
        rows.add(bad);
        ParquetRows.write(out.resolve(CaptionJob.CAPTIONS_DIR).resolve("part-00000.parquet"),
                CaptionsTableSchema.SCHEMA, rows);
        Map<String, Object> m = filled(MetricsTableSchema.SCHEMA);
        m.put(MetricsTableSchema.RUN_ID, "run-1");
        m.put(MetricsTableSchema.CIDER_D, 7.25);
        ParquetRows.write(out.resolve(CaptionJob.METRICS_DIR).resolve("part-00000.parquet"),
                MetricsTableSchema.SCHEMA, List.of(m));
        Files.writeString(out.resolve(CaptionJob.CAPTIONS_DIR).resolve("_SUCCESS"), "");
        return out;
    }

    @Test
    void thePageShowsTheGalleryErrorsHistogramsAndMetricsRow() throws Exception {
        Path out = jobOutput();
        assertEquals(0, ReportCommand.run(new String[]{"--output", out.toString()},
                new PrintStream(new ByteArrayOutputStream())));
        Document page = XmlPage.parse(out.resolve(JobReport.FILE));
        assertEquals(3.0, XmlPage.number(page, "count(//div[@class='card'])"));
        assertEquals(3.0, XmlPage.number(page, "count(//div[@class='card']/img[starts-with(@src, 'data:image/png;base64,')])"));
        assertEquals("caption <0> & more", XmlPage.text(page, "(//div[@class='card'])[1]/div[1]"));
        assertEquals("not an image: unknown format", XmlPage.text(page, "//td[@class='err']"));
        assertEquals(1.0, XmlPage.number(page, "count(//td[@class='err'])"));
        assertEquals(2.0, XmlPage.number(page, "count(//*[local-name()='svg'])"));
        // Each histogram holds all three ok rows.
        assertEquals(2.0, XmlPage.number(page, "count(//*[local-name()='text'][contains(., '(n = 3)')])"));
        assertEquals("run-1", XmlPage.text(page, "//tr[th='run_id']/td"));
        assertEquals("7.2500", XmlPage.text(page, "//tr[th='cider_d']/td"));
    }

    @Test
    void aGalleryLimitShowsTheFirstImagesAndSaysSo() throws Exception {
        Path out = jobOutput();
        Path html = dir.resolve("page.html");
        ReportCommand.run(new String[]{"--output", out.toString(), "--html", html.toString(), "--gallery", "2"},
                new PrintStream(new ByteArrayOutputStream()));
        Document page = XmlPage.parse(html);
        assertEquals(2.0, XmlPage.number(page, "count(//div[@class='card'])"));
        assertTrue(Files.readString(html).contains("The first 2 of 3 captioned images"));
    }

    @Test
    void aDirectoryThatIsNotAJobOutputIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportCommand.run(new String[]{"--output", dir.toString()}, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("has no captions table"), e.getMessage());
    }
}
