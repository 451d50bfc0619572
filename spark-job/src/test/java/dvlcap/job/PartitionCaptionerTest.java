package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.decode.DecodingSettings;
import dvlcap.engine.KvBudget;
import dvlcap.testing.BadImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The partition function alone, outside Spark: order, one row per input, and Arrow memory. */
class PartitionCaptionerTest {

    @TempDir
    Path dir;

    @Test
    void partitionEmitsOneRowPerInputInOrderAndLeavesNoArrowMemory() throws Exception {
        Path images = dir.resolve("images");
        BadImages.write(images);
        Path model = Files.createDirectories(dir.resolve("m"));
        List<Row> input = new ArrayList<>();
        try (var files = Files.list(images)) {
            for (Path p : files.sorted().toList()) {
                // Half the rows carry bytes, half a path to read: both ways in.
                boolean bytes = input.size() % 2 == 0;
                input.add(new GenericRowWithSchema(new Object[] {p.toString(), p.toString(),
                        bytes ? null : p.toString(), bytes ? Files.readAllBytes(p) : null}, ImageFilesInput.SCHEMA));
            }
        }
        EngineSpec spec = new EngineSpec(model.toString(), dir.resolve("cache").toString(),
                DecodingSettings.defaults().withMaxNewTokens(16), 5, null, "cpu", KvBudget.auto(),
                MeanColourCaptionerFactory.class.getName());
        LongAccumulator done = new LongAccumulator();
        LongAccumulator failed = new LongAccumulator();
        PartitionCaptioner f = new PartitionCaptioner(spec, new HadoopConf(new Configuration()),
                "r", 5, done, failed);
        Iterator<Row> out = f.call(input.iterator());
        List<String> ids = new ArrayList<>();
        while (out.hasNext()) {
            ids.add(out.next().getString(0));
        }
        assertEquals(input.stream().map(r -> r.getString(0)).toList(), ids);
        assertEquals(input.size(), done.value());
        assertTrue(failed.value() > 0 && failed.value() < input.size());
        assertEquals(0, ArrowMemory.root().getAllocatedMemory());
        assertTrue(ArrowMemory.root().getChildAllocators().isEmpty());
    }
}
