package dvlcap.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine runs on every JDK from 17 (README), but CI compiles and tests on 17 only, where the
 * incubating Vector API still has the byte-buffer and byte-array loads and stores that JDK 20
 * removed (JEP 426 replaced them with memory segments). A class calling one links on 17 and throws
 * {@code NoSuchMethodError} on 21 or 25, as bf16 models once did, so the compiled classes are
 * searched for those method names.
 */
class VectorApiPortabilityTest {
    private static final List<String> REMOVED_AFTER_JDK_19 =
            List.of("fromByteBuffer", "fromByteArray", "intoByteBuffer", "intoByteArray");

    @Test
    void noEngineClassCallsVectorApiMethodsThatLaterJdksRemoved() throws Exception {
        Path classes = Path.of(HalfMatmul.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders = new ArrayList<>();
        int vectorClasses = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String pool = constantText(f);
                if (!pool.contains("jdk/incubator/vector/")) {
                    continue;
                }
                vectorClasses++;
                for (String name : REMOVED_AFTER_JDK_19) {
                    if (pool.contains(name)) {
                        offenders.add(classes.relativize(f) + " uses " + name);
                    }
                }
            }
        }
        assertTrue(vectorClasses >= 5, "expected the Vector API kernels under " + classes + ", found " + vectorClasses);
        assertEquals(List.of(), offenders);
    }

    /** The class file's bytes as ISO-8859-1 text: its constant pool's names appear verbatim. */
    private static String constantText(Path classFile) throws IOException {
        return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
    }
}
