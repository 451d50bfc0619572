package dvlcap.devicecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device check off a GPU: it must stop at once, with exit status 2 and the reason, where there
 * is no driver or the driver finds no GPU (it must never hang or run the tests there).
 */
class DeviceCheckScriptTest {
    private static final Path SCRIPTS = Path.of("src/test/scripts");

    @TempDir
    Path tmp;

    private record Run(int status, String results, long millis) {
    }

    private Run check(String nvidiaSmi) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash here");
        Path out = tmp.resolve("out");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", SCRIPTS.resolve("device-check.sh").toString(), out.toString());
        Map<String, String> env = pb.environment();
        env.put("DEVICE_CHECK_NVIDIA_SMI", nvidiaSmi);
        env.put("DVLCAP_BUNDLE", tmp.resolve("no-bundle.tar.xz").toString());
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("stdout").toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("device-check.sh still running after 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out.resolve("results.txt"), StandardCharsets.UTF_8),
                (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void withoutADriverItFailsAtOnceNamingIt() throws Exception {
        Run r = check(tmp.resolve("absent/nvidia-smi").toString());
        assertEquals(2, r.status(), r.results());
        assertTrue(r.results().contains("no NVIDIA driver on this host: nvidia-smi not found"), r.results());
        assertTrue(r.results().contains("verdict: FAIL"), r.results());
        assertTrue(r.millis() < 30_000, r.millis() + " ms");
    }

    @Test
    void aDriverThatFindsNoGpuFailsWithItsMessage() throws Exception {
        Path smi = tmp.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA"
                + " driver.\"\nexit 9\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run r = check(smi.toString());
        assertEquals(2, r.status(), r.results());
        assertTrue(r.results().contains("no usable GPU: nvidia-smi exited 9: NVIDIA-SMI has failed"), r.results());
    }

    @Test
    void theScriptsParse() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash here");
        for (String s : List.of("device-check.sh", "device-pack.sh")) {
            Process p = new ProcessBuilder("/bin/bash", "-n", SCRIPTS.resolve(s).toString()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), s + ": " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
