package dvlcap.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Files of one directory, rewritten only when their content changes (the weights are megabytes; most cases keep them). */
final class DirectoryContents {
    private final Path dir;
    private final Map<String, byte[]> written = new HashMap<>();

    DirectoryContents(Path dir) {
        this.dir = dir;
    }

    void put(String name, byte[] content) throws IOException {
        if (written.get(name) != content) {
            Files.write(dir.resolve(name), content);
            written.put(name, content);
        }
    }
}
