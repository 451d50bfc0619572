package dvlcap.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fatbin the build compiled, read without a GPU: it is there whenever nvcc is, it carries
 * sm_80 and sm_90 machine code and compute_90 PTX, and every kernel the backend looks up.
 */
class KernelImageTest {
    private static byte[] image;
    private static String text;

    @BeforeAll
    static void load() {
        Optional<byte[]> loaded = KernelImage.load();
        if (loaded.isEmpty()) {
            if (CudaTestSupport.required()) {
                fail(CudaTestSupport.REQUIRE_ENV + " is set but " + KernelImage.MISSING);
            }
            assumeTrue(!nvccPresent(), "kernels.fatbin is missing although nvcc is installed: the build lost it");
            assumeTrue(false, KernelImage.MISSING);
        }
        image = loaded.get();
        text = new String(image, StandardCharsets.ISO_8859_1);
    }

    private static boolean nvccPresent() {
        if (Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"))) {
            return true;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvcc"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void isAFatbin() {
        assertTrue(KernelImage.hasFatbinMagic(image), "fatbin magic 0xBA55ED50 at offset 0");
    }

    @Test
    void carriesSm80AndSm90MachineCode() {
        assertEquals(Set.of(80, 90), KernelImage.elfArchitectures(image));
    }

    @Test
    void carriesCompute90PtxForNewerGpus() {
        assertTrue(text.contains(".target sm_90"), "PTX for compute_90");
    }

    @Test
    void containsEveryKernelTheBackendLooksUp() {
        for (Kernel k : Kernel.values()) {
            assertTrue(text.contains(".entry " + k.symbol + "("), "PTX entry " + k.symbol);
            // machine code: the symbol, NUL-terminated, in the ELF string tables
            assertTrue(text.contains("\0" + k.symbol + "\0"), "ELF symbol " + k.symbol);
        }
    }

    @Test
    void gemmUsesBf16TensorCoreInstructions() {
        assertTrue(text.contains("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32"), "mma in the PTX");
    }
}
