package dvlcap.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fields of a corpus manifest.jsonl line that training reads. */
public record ManifestLine(String id, String file, String prompt, String caption) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static List<ManifestLine> read(Path corpusDir) {
        Path manifest = corpusDir.resolve("manifest.jsonl");
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalArgumentException(corpusDir + " has no manifest.jsonl (write one with the corpus command)");
        }
        List<ManifestLine> out = new ArrayList<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(manifest)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode j = JSON.readTree(line);
                for (String key : List.of("id", "file", "prompt", "caption")) {
                    if (!j.hasNonNull(key)) {
                        throw new IllegalArgumentException(manifest + " line " + n + " has no '" + key + "'");
                    }
                }
                out.add(new ManifestLine(j.get("id").asText(), j.get("file").asText(), j.get("prompt").asText(),
                        j.get("caption").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(manifest + " is empty");
        }
        return out;
    }
}
