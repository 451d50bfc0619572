package dvlcap.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

    private static final String LINE = "{\"id\":\"train-000000-short\",\"file\":\"images/train-000000.png\","
            + "\"split\":\"train\",\"style\":\"short\",\"prompt\":\"Describe this image briefly.\","
            + "\"caption\":\"a red circle.\",\"references\":[\"a red circle.\",\"there is a red circle.\"],"
            + "\"scene\":{\"background\":\"gray\",\"objects\":[]}}";

    @Test
    void readsEveryFieldAndResolvesImagesAgainstTheManifestDirectory(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("manifest.jsonl");
        Files.writeString(file, LINE + "\n\n" + LINE.replace("000000-short", "000000-detailed") + "\n");
        Manifest m = Manifest.read(file);
        assertEquals(2, m.entries().size());
        ManifestEntry e = m.entries().get(0);
        assertEquals("train-000000-short", e.id());
        assertEquals("short", e.style());
        assertEquals("a red circle.", e.caption());
        assertEquals(List.of("a red circle.", "there is a red circle."), e.references());
        assertEquals("{\"background\":\"gray\",\"objects\":[]}", e.sceneJson());
        assertEquals(dir.toAbsolutePath().resolve("images/train-000000.png"), m.image(e));
        assertEquals(2, m.references().size());
    }

    @Test
    void missingReferencesFallBackToTheCaption() {
        ManifestEntry e = Manifest.parseLine("{\"id\":\"x\",\"file\":\"x.png\",\"caption\":\"a cat\"}");
        assertEquals(List.of("a cat"), e.references());
    }

    @Test
    void badLineNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("manifest.jsonl");
        Files.writeString(file, LINE + "\n{\"id\":\"x\"}\n");
        IOException e = assertThrows(IOException.class, () -> Manifest.read(file));
        assertTrue(e.getMessage().contains(":2: missing field \"file\""), e.getMessage());
    }
}
