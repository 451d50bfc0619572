package dvlcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dvlcap bench --write-checkpoint} then {@code --model} on it, as BENCHMARKS.md runs them (tiny shape). */
class BenchCommandTest {
    @TempDir
    Path dir;

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = EngineCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text + err.toString(StandardCharsets.UTF_8));
        return text;
    }

    @Test
    void writtenBf16CheckpointIsMeasuredWithLoadTimeAndMemory() {
        Path ck = dir.resolve("tiny-bf16");
        String wrote = run("bench", "--shape", "tiny", "--dtype", "bf16", "--write-checkpoint", ck.toString());
        assertTrue(wrote.contains("of BF16 weights in 1 file(s)"), wrote);
        assertTrue(Files.isRegularFile(ck.resolve("model.safetensors")));

        String measured = run("bench", "--model", ck.toString(), "--backend", "vector", "--iterations", "1",
                "--query-tokens", "1,8", "--decoders", "block", "--max-new-tokens", "4", "--kv-budget", "0.5");
        assertTrue(measured.contains("# load: "), measured);
        assertTrue(measured.contains("query_tokens_per_seq\tms_per_forward\tms_per_query_token\tfirst_ms"), measured);
        assertTrue(measured.lines().anyMatch(l -> l.startsWith("8\t")), measured);
        String block = measured.lines().filter(l -> l.startsWith("block\t")).findFirst().orElseThrow();
        assertTrue(measured.contains("\tkv_pages_peak\tkv_pages_total"), measured);
        String[] cols = block.split("\t");
        int peak = Integer.parseInt(cols[cols.length - 2]), total = Integer.parseInt(cols[cols.length - 1]);
        assertTrue(peak >= 1 && peak <= total, block);
        if (Files.isRegularFile(Path.of("/proc/self/status"))) {
            assertTrue(measured.contains("peak RSS (VmHWM)"), measured);
        }
    }

    @Test
    void baselineIsTimedInTurnAndItsRatioReported() {
        Path bf16 = dir.resolve("tiny-bf16"), f32 = dir.resolve("tiny-f32");
        run("bench", "--shape", "tiny", "--dtype", "bf16", "--write-checkpoint", bf16.toString());
        run("bench", "--shape", "tiny", "--dtype", "f32", "--write-checkpoint", f32.toString());

        String measured = run("bench", "--model", bf16.toString(), "--baseline", f32.toString(), "--backend", "vector",
                "--iterations", "3", "--query-tokens", "1,8", "--decoders", "none");
        assertTrue(measured.contains("# baseline: model " + f32), measured);
        assertTrue(measured.contains("\tfirst_ms\tbaseline_ms_per_forward\tratio"), measured);
        for (String q : new String[] {"1\t", "8\t"}) {
            String[] cols = measured.lines().filter(l -> l.startsWith(q)).findFirst().orElseThrow().split("\t");
            assertEquals(6, cols.length, String.join("|", cols));
            double ms = Double.parseDouble(cols[1]), baseMs = Double.parseDouble(cols[4]);
            double ratio = Double.parseDouble(cols[5]);
            assertTrue(ms > 0 && baseMs > 0, String.join("|", cols));
            // its value is the machine's; that it is a ratio of two timed forwards is all a test can hold
            assertTrue(ratio > 0 && Double.isFinite(ratio), String.join("|", cols));
        }
    }

    @Test
    void baselineWithACheckpointToWriteIsAUsageError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = EngineCli.run(new String[] {"bench", "--shape", "tiny", "--write-checkpoint", dir.toString(),
                "--baseline", dir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--baseline measures against a model"), err.toString());
    }

    @Test
    void dtypeWithoutACheckpointToWriteIsAUsageError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = EngineCli.run(new String[] {"bench", "--shape", "tiny", "--dtype", "bf16"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--dtype applies to --write-checkpoint"), err.toString());
    }

    @Test
    void readShareTimesAMemoryReadInTurnWithTheForwards() {
        String measured = run("bench", "--shape", "tiny", "--backend", "vector", "--read-share", "--iterations", "3",
                "--query-tokens", "1", "--decoders", "none", "--context", "16");
        assertTrue(measured.contains("# read: passes over a "), measured);
        assertTrue(measured.contains("\tfirst_ms\tgb_per_s\tread_gb_per_s\tread_share"), measured);
        String[] cols = measured.lines().filter(l -> l.startsWith("1\t")).findFirst().orElseThrow().split("\t");
        assertEquals(7, cols.length, String.join("|", cols));
        // the values are the machine's; a test can hold that they are positive and finite
        for (int c = 4; c < 7; c++) {
            double v = Double.parseDouble(cols[c]);
            assertTrue(v > 0 && Double.isFinite(v), String.join("|", cols));
        }
    }

    @Test
    void readShareWithABaselineIsAUsageError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = EngineCli.run(new String[] {"bench", "--shape", "tiny", "--read-share", "--baseline", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--read-share pairs the forwards with a memory read"),
                err.toString());
    }
}
