package dvlcap.job;

import dvlcap.quality.Manifest;
import dvlcap.quality.ManifestEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reference captions from a {@code manifest.jsonl} (local, hdfs://, s3a://), looked up per image.
 * An image matches an entry whose {@code file}, resolved against the manifest's directory, is the
 * image's path, or whose {@code id} is the image's id. When several entries match (one image with
 * short and detailed captions), those whose prompt is the run's prompt are preferred; otherwise
 * all their references are pooled.
 */
public final class ReferenceCaptions {

    private final Map<String, List<ManifestEntry>> byPath;
    private final Map<String, List<ManifestEntry>> byId;

    private ReferenceCaptions(Map<String, List<ManifestEntry>> byPath, Map<String, List<ManifestEntry>> byId) {
        this.byPath = byPath;
        this.byId = byId;
    }

    /**
     * @throws IOException naming the manifest and line when it cannot be read or parsed
     */
    public static ReferenceCaptions load(String manifest, Configuration conf) throws IOException {
        Path file = new Path(manifest);
        FileSystem fs = file.getFileSystem(conf);
        Path dir = fs.makeQualified(file).getParent();
        Map<String, List<ManifestEntry>> byPath = new HashMap<>();
        Map<String, List<ManifestEntry>> byId = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                ManifestEntry e;
                try {
                    e = Manifest.parseLine(line);
                } catch (IllegalArgumentException ex) {
                    throw new IOException(manifest + ":" + lineNo + ": " + ex.getMessage(), ex);
                }
                String path = new Path(dir, e.file()).toString();
                byPath.computeIfAbsent(path, k -> new ArrayList<>()).add(e);
                byId.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e);
            }
        }
        return new ReferenceCaptions(byPath, byId);
    }

    /** The references of an image, empty if the manifest has none for it. */
    public List<String> forImage(String id, String source, String prompt) {
        List<ManifestEntry> entries = new ArrayList<>();
        for (String key : new LinkedHashSet<>(java.util.Arrays.asList(id, source))) {
            if (key == null) {
                continue;
            }
            entries.addAll(byPath.getOrDefault(normalize(key), List.of()));
            entries.addAll(byId.getOrDefault(key, List.of()));
        }
        if (prompt != null && entries.stream().anyMatch(e -> Objects.equals(e.prompt(), prompt))) {
            entries.removeIf(e -> !Objects.equals(e.prompt(), prompt));
        }
        LinkedHashSet<String> refs = new LinkedHashSet<>();
        entries.forEach(e -> refs.addAll(e.references()));
        return List.copyOf(refs);
    }

    private static String normalize(String path) {
        try {
            return new Path(path).toString();
        } catch (IllegalArgumentException e) {
            return path;
        }
    }
}
