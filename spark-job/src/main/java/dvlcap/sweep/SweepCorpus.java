package dvlcap.sweep;

import dvlcap.quality.Manifest;
import dvlcap.quality.ManifestEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The captions a sweep makes and scores: manifest entries (image, prompt, references), from a
 * corpus directory or from an image directory with a references manifest.
 *
 * @param manifestFile where the entries were read from
 * @param hash {@code sha256:} of every entry's id, file, prompt and references: a sweep row is
 *        only reused for the same corpus
 */
public record SweepCorpus(Path manifestFile, Manifest manifest, List<ManifestEntry> entries, String hash) {

    public SweepCorpus {
        entries = List.copyOf(entries);
    }

    /** {@code dir/manifest.jsonl}, as {@code dvlcap corpus} writes it; its first {@code limit} entries. */
    public static SweepCorpus ofCorpus(Path dir, int limit) throws IOException {
        Path file = dir.resolve("manifest.jsonl");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no manifest.jsonl in " + dir + " (write one with 'dvlcap corpus', or "
                    + "give --input DIR --references FILE)");
        }
        Manifest m = Manifest.read(file);
        return of(file, m, m.entries(), limit);
    }

    /**
     * The entries of the references manifest whose image lies under {@code imageDir}, the first
     * {@code limit} of them. Images in the directory without references are not captioned: a sweep
     * scores every caption.
     */
    public static SweepCorpus ofImages(Path imageDir, Path references, int limit) throws IOException {
        if (!Files.isDirectory(imageDir)) {
            throw new IllegalArgumentException("--input " + imageDir + " is not a directory of images");
        }
        if (!Files.isRegularFile(references)) {
            throw new IllegalArgumentException("--references " + references + " is not a file (a manifest.jsonl)");
        }
        Manifest m = Manifest.read(references);
        Path dir = imageDir.toAbsolutePath().normalize();
        List<ManifestEntry> inDir = m.entries().stream()
                .filter(e -> m.image(e).toAbsolutePath().normalize().startsWith(dir)).toList();
        if (inDir.isEmpty()) {
            throw new IllegalArgumentException("no entry of " + references + " names an image under " + imageDir
                    + " (entries' 'file' is resolved against the manifest's directory)");
        }
        return of(references, m, inDir, limit);
    }

    private static SweepCorpus of(Path file, Manifest m, List<ManifestEntry> entries, int limit) {
        List<ManifestEntry> chosen = entries.subList(0, Math.min(limit, entries.size()));
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException(file + " has no entries");
        }
        MessageDigest sha = sha256();
        for (ManifestEntry e : chosen) {
            for (String s : List.of(e.id(), e.file(), String.valueOf(e.prompt()), String.join("\u0001", e.references()))) {
                sha.update(s.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
        }
        return new SweepCorpus(file.toAbsolutePath().normalize(), m, chosen,
                "sha256:" + HexFormat.of().formatHex(sha.digest()));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
