package dvlcap.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.job.CaptionJob;
import dvlcap.job.JobOptionsParser;
import dvlcap.job.SparkTestSession;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML captioner on the job's test captioner (mean colour of the decoded pixels, so a wrong
 * channel order or a lost row shows in the caption): same captions as the job from bytes and from
 * the image struct, rows kept, bad images as error rows, Pipeline, save/load, parameter errors.
 */
class CaptionerTest {

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path images;
    static Path model;

    @BeforeAll
    static void setUp() throws IOException {
        spark = SparkTestSession.get();
        images = Files.createDirectories(dir.resolve("images"));
        // Colours far from gray, so swapped R and B change the caption; gray and alpha PNGs too.
        write("red.png", BufferedImage.TYPE_INT_RGB, 0xD23C0A);
        write("blue.png", BufferedImage.TYPE_INT_RGB, 0x1450E6);
        write("gray.png", BufferedImage.TYPE_BYTE_GRAY, 0x5A5A5A);
        write("alpha.png", BufferedImage.TYPE_INT_ARGB, 0x80B4281E);
        model = Files.createDirectories(dir.resolve("mean-colour-model"));
        Files.writeString(model.resolve("config.json"), "{}");
    }

    private static void write(String name, int type, int argb) throws IOException {
        BufferedImage img = new BufferedImage(12, 8, type);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 12; x++) {
                img.setRGB(x, y, x < 6 ? argb : argb ^ 0x00302010);
            }
        }
        ImageIO.write(img, "png", images.resolve(name).toFile());
    }

    static Captioner captioner() {
        return new Captioner().setModelPath(model.toString()).setBatchSize(3);
    }

    static StructType bytesSchema() {
        return new StructType().add("name", DataTypes.StringType).add("label", DataTypes.IntegerType)
                .add("jpg", DataTypes.BinaryType);
    }

    /** One row per file of {@code images}, sorted by name, with a label column the captioner must keep. */
    static Dataset<Row> bytesFrame(Path folder) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (var files = Files.list(folder)) {
            for (Path p : files.sorted().toList()) {
                rows.add(RowFactory.create(p.getFileName().toString(), rows.size(), Files.readAllBytes(p)));
            }
        }
        return spark.createDataFrame(rows, bytesSchema()).repartition(2);
    }

    static Map<String, Row> byKey(Dataset<Row> df, Function<Row, String> key) {
        Map<String, Row> out = new TreeMap<>();
        for (Row r : df.collectAsList()) {
            assertNull(out.put(key.apply(r), r), "two rows for " + key.apply(r));
        }
        return out;
    }

    static String fileName(String pathOrUri) {
        return pathOrUri.substring(pathOrUri.lastIndexOf('/') + 1);
    }

    @Test
    void bytesAndImageStructColumnsGiveTheJobsCaptions() throws Exception {
        Path out = dir.resolve("job");
        new CaptionJob(spark, JobOptionsParser.parse("--input", images.toString(), "--output", out.toString(),
                "--model", model.toString(), "--progress-seconds", "0")).run();
        Map<String, Row> job = byKey(spark.read().parquet(out.resolve("captions").toString()),
                r -> fileName(r.getAs("id")));

        Map<String, Row> fromBytes = byKey(captioner().setInputCol("jpg").transform(bytesFrame(images)),
                r -> r.getAs("name"));
        Dataset<Row> structs = spark.read().format("image").load(images.toString());
        Map<String, Row> fromStructs = byKey(captioner().transform(structs),
                r -> fileName(r.<Row>getAs("image").getAs("origin")));

        assertEquals(4, job.size());
        assertEquals(job.keySet(), fromBytes.keySet());
        assertEquals(job.keySet(), fromStructs.keySet());
        for (String name : job.keySet()) {
            Row j = job.get(name);
            assertEquals("ok", j.getAs("status"), name + ": " + j.getAs("error"));
            for (Row r : List.of(fromBytes.get(name), fromStructs.get(name))) {
                assertEquals(j.<String>getAs("caption"), r.getAs("caption"), name);
                assertEquals("ok", r.getAs("status"), name);
                assertNull(r.getAs("error"), name);
                assertEquals(j.<Integer>getAs("tokens"), r.<Integer>getAs("tokens"), name);
                assertEquals(j.<Integer>getAs("forward_passes"), r.<Integer>getAs("forwards"), name);
                assertTrue(r.<Double>getAs("latency_ms") >= 0, name);
            }
        }
    }

    @Test
    void everyInputColumnAndRowIsKeptWithTheCaptionColumnsAppended() throws Exception {
        Dataset<Row> in = bytesFrame(images);
        Dataset<Row> out = captioner().setInputCol("jpg").setOutputPrefix("dv_").transform(in);
        List<String> expected = new ArrayList<>(Arrays.asList(in.columns()));
        expected.addAll(List.of("dv_caption", "dv_status", "dv_error", "dv_tokens", "dv_forwards", "dv_latency_ms"));
        assertEquals(expected, Arrays.asList(out.columns()));
        List<Row> before = in.collectAsList();
        List<Row> after = out.collectAsList();
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            // Same partitions, same order: row i is still row i, with its own caption.
            for (int c = 0; c < in.columns().length; c++) {
                Object b = before.get(i).get(c);
                Object a = after.get(i).get(c);
                assertTrue(b instanceof byte[] ? Arrays.equals((byte[]) b, (byte[]) a) : b.equals(a), "row " + i);
            }
        }
    }

    @Test
    void corruptImagesBecomeErrorRowsAndTheRestAreCaptioned() throws Exception {
        byte[] good = Files.readAllBytes(images.resolve("red.png"));
        List<Row> rows = List.of(
                RowFactory.create("good", 0, good),
                RowFactory.create("truncated", 1, Arrays.copyOf(good, good.length / 2)),
                RowFactory.create("text", 2, "not an image at all".getBytes()),
                RowFactory.create("null", 3, null));
        Map<String, Row> out = byKey(captioner().setInputCol("jpg").setIdCol("name")
                .transform(spark.createDataFrame(rows, bytesSchema())), r -> r.getAs("name"));
        assertEquals("ok", out.get("good").getAs("status"));
        for (String bad : List.of("truncated", "text", "null")) {
            Row r = out.get(bad);
            assertEquals("error", r.getAs("status"), bad);
            assertNull(r.getAs("caption"), bad);
            assertEquals(0, r.<Integer>getAs("tokens"), bad);
        }
        // The id column names the image in the decoder's message.
        String truncated = out.get("truncated").getAs("error");
        assertTrue(truncated.startsWith("truncated: PNG image is truncated"), truncated);
        String text = out.get("text").getAs("error");
        assertTrue(text.startsWith("text: ") && text.contains("not an image"), text);

        // A file Spark's image source cannot decode is its invalid-image row: an error row too.
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        Files.copy(images.resolve("blue.png"), mixed.resolve("blue.png"));
        Files.writeString(mixed.resolve("notes.png"), "a text file with an image extension");
        Map<String, Row> structs = byKey(captioner().transform(spark.read().format("image").load(mixed.toString())),
                r -> fileName(r.<Row>getAs("image").getAs("origin")));
        assertEquals("ok", structs.get("blue.png").getAs("status"));
        String error = structs.get("notes.png").getAs("error");
        assertTrue(error.contains("notes.png") && error.contains("could not be decoded by Spark's image data source"),
                error);
    }

    @Test
    void aPipelineWithTheCaptionerSavesAndLoadsToTheSameOutput() throws Exception {
        SQLTransformer rename = new SQLTransformer().setStatement("SELECT name, jpg AS bytes FROM __THIS__");
        Captioner captioner = captioner().setInputCol("bytes").setOutputPrefix("c_").setBlockSize(4).setSteps(2)
                .setRemasking("static").setThreshold(0.5).setMaxNewTokens(20);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {rename, captioner});
        Dataset<Row> in = bytesFrame(images);
        PipelineModel fitted = pipeline.fit(in);
        List<Row> expected = fitted.transform(in).select("name", "c_caption", "c_status", "c_tokens")
                .orderBy("name").collectAsList();
        assertEquals(4, expected.size());
        assertNotNull(expected.get(0).get(1));

        Path saved = dir.resolve("pipeline-model");
        fitted.write().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        assertEquals(expected, loaded.transform(in).select("name", "c_caption", "c_status", "c_tokens")
                .orderBy("name").collectAsList());
        Captioner back = (Captioner) loaded.stages()[1];
        assertEquals(captioner.uid(), back.uid());
        assertEquals(captioner.decodingSettings(), back.decodingSettings());
        assertEquals(20, back.getMaxNewTokens());
        assertEquals(List.of("c_caption", "c_status", "c_error", "c_tokens", "c_forwards", "c_latency_ms"),
                back.getOutputCols());

        Path alone = dir.resolve("captioner");
        captioner.save(alone.toString());
        Captioner single = Captioner.load(alone.toString());
        assertEquals(captioner.extractParamMap().toString(), single.extractParamMap().toString());
    }

    @Test
    void badParametersAreRefusedWithWhatIsAllowed() throws Exception {
        assertMessage(() -> new Captioner().setBlockSize(-1), "Captioner blockSize must be >= 0");
        assertMessage(() -> new Captioner().setDecoder("beam"), "decoder must be one of block, ar, speculative, got 'beam'");
        assertMessage(() -> new Captioner().setRemasking("random"), "remasking must be one of static, dynamic");
        assertMessage(() -> new Captioner().setBackend("tpu"), "backend must be one of auto, cpu, vector, scalar, cuda");
        assertMessage(() -> new Captioner().setMaxNewTokens(0), "maxNewTokens must be >= 1, got 0");
        assertMessage(() -> new Captioner().setBatchSize(0), "batchSize must be >= 1, got 0");
        assertMessage(() -> new Captioner().setThreshold(Double.NaN), "threshold must be a finite number");
        assertMessage(() -> new Captioner().setModelPath(" "), "modelPath must not be blank");

        Dataset<Row> in = bytesFrame(images);
        assertMessage(() -> new Captioner().setInputCol("jpg").transform(in), "modelPath is not set");
        assertMessage(() -> captioner().transform(in), "inputCol 'image' is not a column of the DataFrame; its "
                + "columns are [name, label, jpg]");
        assertMessage(() -> captioner().setInputCol("name").transform(in), "inputCol 'name' is string; it must be "
                + "binary (encoded image bytes) or Spark's image struct");
        assertMessage(() -> captioner().setInputCol("jpg").setIdCol("key").transform(in), "idCol 'key'");
        Dataset<Row> withCaption = in.withColumnRenamed("name", "caption");
        assertMessage(() -> captioner().setInputCol("jpg").transform(withCaption),
                "would add columns [caption] that the DataFrame already has; setOutputPrefix");
        assertMessage(() -> new Captioner().setModelPath(dir.resolve("nowhere").toString()).setInputCol("jpg")
                .transform(in), "is not a model directory (no config.json in it)");
        // Values that skip the setters (a ParamMap, loaded metadata) are checked all the same.
        Captioner c = captioner().setInputCol("jpg");
        assertMessage(() -> c.transform(in, new ParamMap().put(c.steps(), -2)), "Captioner steps must be >= 0");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
    }
}
