package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.decode.DecodingSettings;
import dvlcap.engine.CaptionProvenance;
import dvlcap.engine.KvBudget;
import dvlcap.image.VisionInput;
import dvlcap.testing.BadImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The partition function alone, outside Spark: order, one row per input, and pixels handed over uncopied. */
class PartitionCaptionerTest {

    @TempDir
    Path dir;

    @Test
    void partitionEmitsOneRowPerInputInOrder() throws Exception {
        List<Row> input = input();
        LongAccumulator done = new LongAccumulator();
        LongAccumulator failed = new LongAccumulator();
        List<String> ids = ids(captioner(MeanColourCaptionerFactory.class, done, failed).call(input.iterator()));
        assertEquals(input.stream().map(r -> r.getString(0)).toList(), ids);
        assertEquals(input.size(), done.value());
        assertTrue(failed.value() > 0 && failed.value() < input.size());
    }

    @Test
    void engineReceivesThePreprocessorsPixelArraysNotCopies() throws Exception {
        SameArrays.PREPARED.clear();
        SameArrays.SUBMITTED.clear();
        List<Row> input = input();
        ids(captioner(SameArrays.class, new LongAccumulator(), new LongAccumulator()).call(input.iterator()));
        assertFalse(SameArrays.SUBMITTED.isEmpty());
        assertEquals(SameArrays.PREPARED.size(), SameArrays.SUBMITTED.size());
        for (int i = 0; i < SameArrays.PREPARED.size(); i++) {
            assertSame(SameArrays.PREPARED.get(i), SameArrays.SUBMITTED.get(i), "image " + i + " was copied");
        }
    }

    private List<Row> input() throws Exception {
        Path images = dir.resolve("images");
        if (!Files.isDirectory(images)) {
            BadImages.write(images);
        }
        List<Row> input = new ArrayList<>();
        try (var files = Files.list(images)) {
            for (Path p : files.sorted().toList()) {
                // Half the rows carry bytes, half a path to read: both ways in.
                boolean bytes = input.size() % 2 == 0;
                input.add(new GenericRowWithSchema(new Object[] {p.toString(), p.toString(),
                        bytes ? null : p.toString(), bytes ? Files.readAllBytes(p) : null}, ImageFilesInput.SCHEMA));
            }
        }
        return input;
    }

    private PartitionCaptioner captioner(Class<? extends CaptionerFactory> factory, LongAccumulator done,
                                         LongAccumulator failed) throws Exception {
        Path model = Files.createDirectories(dir.resolve("m"));
        EngineSpec spec = new EngineSpec(model.toString(), dir.resolve("cache").toString(),
                DecodingSettings.defaults().withMaxNewTokens(16), 5, null, dvlcap.backend.BackendRequest.of("cpu"), KvBudget.auto(), factory.getName());
        return new PartitionCaptioner(spec, new HadoopConf(new Configuration()), "r", 5, done, failed);
    }

    private static List<String> ids(Iterator<Row> out) {
        List<String> ids = new ArrayList<>();
        while (out.hasNext()) {
            ids.add(out.next().getString(0));
        }
        return ids;
    }

    /** The mean-colour captioner, recording each pixel array it prepares and each one it is handed. */
    public static final class SameArrays implements CaptionerFactory {
        static final List<float[]> PREPARED = Collections.synchronizedList(new ArrayList<>());
        static final List<float[]> SUBMITTED = Collections.synchronizedList(new ArrayList<>());

        @Override
        public BatchCaptioner open(Path localModel, EngineSpec spec, String gpu) {
            BatchCaptioner inner = new MeanColourCaptionerFactory().open(localModel, spec, gpu);
            return new BatchCaptioner() {
                @Override
                public VisionInput prepare(byte[] encoded, String name) {
                    VisionInput v = inner.prepare(encoded, name);
                    PREPARED.add(v.pixels());
                    return v;
                }

                @Override
                public VisionInput preprocess(BufferedImage rgb) {
                    VisionInput v = inner.preprocess(rgb);
                    PREPARED.add(v.pixels());
                    return v;
                }

                @Override
                public PendingBatch submit(List<PreparedImage> images) {
                    images.stream().filter(p -> p.image() != null).forEach(p -> SUBMITTED.add(p.image().pixels()));
                    return inner.submit(images);
                }

                @Override
                public CaptionProvenance provenance() {
                    return inner.provenance();
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }
}
