package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.report.JobReport;
import dvlcap.report.XmlPage;
import dvlcap.testing.BadImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * {@code dvlcap job --report} writes the job report beside the tables after the run: one gallery
 * card per captioned image and one error row per image that failed, as the captions table says.
 * Runs the job with the test session's cheap mean-colour captioner, like {@link CaptionJobTest}.
 */
class JobReportOptionTest {

    @TempDir
    static Path shared;
    static Path images;
    static Map<String, BadImages.Expected> expected;
    static Path model;
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        spark = SparkTestSession.get();
        images = shared.resolve("images");
        expected = BadImages.write(images);
        model = Files.createDirectories(shared.resolve("tiny-model"));
        Files.writeString(model.resolve("config.json"), "{}");
    }

    private String run(Path output, String... extra) throws Exception {
        List<String> a = new java.util.ArrayList<>(List.of("--input", images.toString(), "--output", output.toString(),
                "--model", model.toString(), "--batch-size", "3", "--progress-seconds", "0", "--show", "0"));
        a.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = JobCommand.run(spark, JobOptionsParser.parse(a.toArray(String[]::new)), new PrintStream(out, true),
                new PrintStream(err, true));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void reportFlagWritesOnePageWithAGalleryCardPerCaptionedImageAndAnErrorRowPerFailure() throws Exception {
        Path output = dir.resolve("out");
        String out = run(output, "--report");
        Path page = output.resolve(JobReport.FILE);
        assertTrue(Files.isRegularFile(page), "no " + page + "; job printed:\n" + out);
        assertTrue(out.contains("report: ") && out.contains(JobReport.FILE), "the job names the page:\n" + out);

        List<Row> rows = spark.read().parquet(output.resolve(CaptionJob.CAPTIONS_DIR).toString()).collectAsList();
        Set<String> okIds = rows.stream().filter(r -> "ok".equals(r.getAs("status")))
                .map(r -> (String) r.getAs("id")).collect(Collectors.toCollection(TreeSet::new));
        long errors = rows.stream().filter(r -> "error".equals(r.getAs("status"))).count();
        // The oracle for the table itself: BadImages says which of its files decode.
        assertEquals(expected.values().stream().filter(BadImages.Expected::valid).count(), okIds.size());
        assertEquals(expected.size() - okIds.size(), errors);

        Document d = XmlPage.parse(page);
        NodeList cardIds = (NodeList) XPathFactory.newInstance().newXPath()
                .evaluate("//div[@class='card']/div[@class='id']", d, XPathConstants.NODESET);
        Set<String> shown = new TreeSet<>();
        for (int i = 0; i < cardIds.getLength(); i++) {
            shown.add(cardIds.item(i).getTextContent());
        }
        assertEquals(okIds, shown, "one gallery card per captioned image");
        assertEquals((double) okIds.size(), XmlPage.number(d, "count(//div[@class='card'])"), "no image twice");
        assertEquals((double) errors, XmlPage.number(d, "count(//td[@class='err'])"), "one error row per failure");
    }

    @Test
    void withoutTheFlagNoPageIsWritten() throws Exception {
        Path output = dir.resolve("out");
        String out = run(output);
        assertTrue(Files.isDirectory(output.resolve(CaptionJob.CAPTIONS_DIR)));
        assertFalse(Files.exists(output.resolve(JobReport.FILE)));
        assertFalse(out.contains("report: "), out);
    }

    @Test
    void theFlagIsInTheHelpAndTakesNoValue() {
        assertTrue(JobOptionsParser.help().contains("--report"));
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> JobOptionsParser.parse("--input", "i", "--output", "o", "--model", "m", "--report=yes"));
        assertTrue(e.getMessage().contains("--report takes no value"), e.getMessage());
    }
}
