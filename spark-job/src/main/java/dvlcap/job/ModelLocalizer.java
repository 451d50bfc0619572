package dvlcap.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Makes a model directory available on local disk. A local path (no scheme, or file:) is used in
 * place; a remote one (s3a://, hdfs://, ...) is copied once into the cache directory.
 *
 * <p>The copy goes to a private temporary directory and is renamed into place atomically, so a
 * cached model is always complete: a crash mid-copy leaves only a temporary directory, and when
 * two executors on one host race, the loser drops its copy and uses the winner's. The cache key
 * covers the URI and every file's size and modification time, so a changed model is copied again.
 *
 * @throws UncheckedIOException (from {@link #localize}) naming the model when it cannot be listed
 *         or copied
 */
public final class ModelLocalizer {

    private final Configuration conf;
    private final Path cacheRoot;

    public ModelLocalizer(Configuration conf, Path cacheRoot) {
        this.conf = conf;
        this.cacheRoot = cacheRoot;
    }

    public Path localize(String model) {
        URI uri = URI.create(model.replace(" ", "%20"));
        if (uri.getScheme() == null || uri.getScheme().equals("file")) {
            Path local = uri.getScheme() == null ? Path.of(model) : Path.of(uri);
            if (!Files.isDirectory(local)) {
                throw new UncheckedIOException(new IOException("model directory " + model + " does not exist"));
            }
            return local.toAbsolutePath();
        }
        try {
            return copy(new org.apache.hadoop.fs.Path(model));
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy model " + model + " to " + cacheRoot + ": " + e, e);
        }
    }

    private Path copy(org.apache.hadoop.fs.Path remote) throws IOException {
        FileSystem fs = remote.getFileSystem(conf);
        FileStatus top = fs.getFileStatus(remote);
        if (!top.isDirectory()) {
            throw new IOException(remote + " is not a directory");
        }
        String base = top.getPath().toUri().getPath();
        List<LocatedFileStatus> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(remote, true);
        while (it.hasNext()) {
            files.add(it.next());
        }
        files.sort(Comparator.comparing(f -> f.getPath().toString()));
        if (files.isEmpty()) {
            throw new IOException(remote + " holds no files");
        }
        // <cache>/<key>/<name>: the directory keeps the model's own name (the engine reports it).
        String name = safeName(remote.getName());
        Path keyed = cacheRoot.resolve(key(top.getPath().toString(), files));
        Path target = keyed.resolve(name);
        if (Files.isDirectory(target)) {
            return target;
        }
        Files.createDirectories(cacheRoot);
        Path tmp = cacheRoot.resolve(".partial-" + UUID.randomUUID());
        Path tmpModel = tmp.resolve(name);
        try {
            for (LocatedFileStatus f : files) {
                String relative = f.getPath().toUri().getPath().substring(base.length()).replaceFirst("^/+", "");
                Path dest = tmpModel.resolve(relative).normalize();
                if (!dest.startsWith(tmpModel)) {
                    throw new IOException("refusing to copy " + f.getPath() + " outside the cache");
                }
                Files.createDirectories(dest.getParent());
                try (InputStream in = fs.open(f.getPath())) {
                    Files.copy(in, dest);
                }
            }
            try {
                Files.move(tmp, keyed, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // Another executor on this host finished first; its copy is complete.
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the model cache " + cacheRoot + " does not support atomic rename", e);
            }
            return target;
        } finally {
            deleteRecursively(tmp);
        }
    }

    private static String key(String uri, List<LocatedFileStatus> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(uri.getBytes(StandardCharsets.UTF_8));
            for (LocatedFileStatus f : files) {
                sha.update((f.getPath() + "|" + f.getLen() + "|" + f.getModificationTime() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() ? "model" : s;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
