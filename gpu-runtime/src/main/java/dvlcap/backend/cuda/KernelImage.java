package dvlcap.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The fatbin nvcc wrote into the classes at build time ({@value #RESOURCE}), and what can be read
 * from its bytes without a GPU: the machine-code architectures it carries.
 */
final class KernelImage {
    static final String RESOURCE = "dvlcap/cuda/kernels.fatbin";
    static final String MISSING = "kernels missing (built without nvcc): no " + RESOURCE + " on the class path";
    /** Magic number at the start of a fatbin (little-endian 0xBA55ED50). */
    static final int FATBIN_MAGIC = 0xBA55ED50;
    private static final int EM_CUDA = 190;

    private KernelImage() {
    }

    /** The fatbin's bytes, or empty when the build had no nvcc. */
    static Optional<byte[]> load() {
        try (InputStream in = KernelImage.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    static boolean hasFatbinMagic(byte[] image) {
        return image.length >= 4 && readInt(image, 0) == FATBIN_MAGIC;
    }

    /**
     * The SM versions of the CUDA ELF images embedded uncompressed (e.g. 80, 90): each starts with
     * the ELF magic, has e_machine EM_CUDA, and keeps the SM version in bits 8..15 of e_flags.
     */
    static TreeSet<Integer> elfArchitectures(byte[] image) {
        TreeSet<Integer> archs = new TreeSet<>();
        for (int i = 0; i + 52 <= image.length; i++) {
            if (image[i] == 0x7f && image[i + 1] == 'E' && image[i + 2] == 'L' && image[i + 3] == 'F'
                    && image[i + 4] == 2 /* ELFCLASS64 */ && readShort(image, i + 18) == EM_CUDA) {
                archs.add((readInt(image, i + 48) >>> 8) & 0xff);
            }
        }
        return archs;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static int readShort(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }
}
