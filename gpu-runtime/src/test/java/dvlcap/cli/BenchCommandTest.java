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
    void dtypeWithoutACheckpointToWriteIsAUsageError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = EngineCli.run(new String[] {"bench", "--shape", "tiny", "--dtype", "bf16"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--dtype applies to --write-checkpoint"), err.toString());
    }
}
