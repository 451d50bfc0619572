package dvlcap.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A shapes-corpus manifest read from {@code manifest.jsonl}: one JSON object per line with
 * the fields of {@link ManifestEntry} ({@code scene} is kept as raw JSON text). Blank lines
 * are skipped. Image files are resolved against {@code directory}.
 */
public record Manifest(Path directory, List<ManifestEntry> entries) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Manifest {
        entries = List.copyOf(entries);
    }

    /** Reads a manifest file; its parent directory anchors the image paths. */
    public static Manifest read(Path manifestFile) throws IOException {
        List<ManifestEntry> entries = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(manifestFile, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    entries.add(parseLine(line));
                } catch (IllegalArgumentException e) {
                    throw new IOException(manifestFile + ":" + lineNo + ": " + e.getMessage(), e);
                }
            }
        }
        Path dir = manifestFile.toAbsolutePath().getParent();
        return new Manifest(dir, entries);
    }

    /** Parses one manifest line. */
    public static ManifestEntry parseLine(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a manifest line must be a JSON object");
        }
        String id = text(node, "id");
        String file = text(node, "file");
        String caption = text(node, "caption");
        List<String> refs = new ArrayList<>();
        JsonNode refNode = node.get("references");
        if (refNode != null && refNode.isArray()) {
            refNode.forEach(r -> refs.add(r.asText()));
        }
        if (refs.isEmpty()) {
            refs.add(caption);
        }
        JsonNode scene = node.get("scene");
        String sceneJson;
        try {
            sceneJson = scene == null || scene.isNull() ? null : JSON.writeValueAsString(scene);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return new ManifestEntry(id, file, optional(node, "split"),
                optional(node, "style"), optional(node, "prompt"), caption, refs, sceneJson);
    }

    /** The image file of an entry. */
    public Path image(ManifestEntry entry) {
        return directory.resolve(entry.file());
    }

    /** The references of every entry, in order, as {@link CaptionMetrics#score} takes them. */
    public List<List<String>> references() {
        List<List<String>> out = new ArrayList<>();
        entries.forEach(e -> out.add(e.references()));
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field \"" + field + "\"");
        }
        return v.asText();
    }

    private static String optional(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
