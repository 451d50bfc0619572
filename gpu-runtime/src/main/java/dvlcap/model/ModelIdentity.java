package dvlcap.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which model made a caption: the directory's name and a hash of what defines the model without
 * reading its weights: {@code config.json} and the weights' index (the sharded index file, or
 * each safetensors file's header, which names every tensor with its dtype, shape and offsets).
 * Two copies of a checkpoint hash alike wherever they are stored; a changed config or retrained
 * weights of another layout do not.
 *
 * @param name the model directory's name
 * @param hash {@code sha256:} and 64 hex digits
 */
public record ModelIdentity(String name, String hash) {

    /** The identity of the model directory {@code dir}; a file that cannot be read is a {@link ModelFileException}. */
    public static ModelIdentity of(Path dir) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        Path config = dir.resolve("config.json");
        digest(sha, config, readAll(config));
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.exists(index)) {
            digest(sha, index, readAll(index));
        } else {
            for (Path f : safetensors(dir)) {
                digest(sha, f, header(f));
            }
        }
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return new ModelIdentity(name == null ? dir.toString() : name.toString(),
                "sha256:" + HexFormat.of().formatHex(sha.digest()));
    }

    private static void digest(MessageDigest sha, Path file, byte[] bytes) {
        sha.update(file.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(ByteBuffer.allocate(8).putLong(bytes.length).array());
        sha.update(bytes);
    }

    private static List<Path> safetensors(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new ModelFileException(dir, null, "cannot list the model directory: " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFileException(file, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /** The 8-byte length and the JSON header of a safetensors file (the file is validated when it is opened). */
    private static byte[] header(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] len = in.readNBytes(8);
            if (len.length < 8) {
                throw new ModelFileException(file, null, "shorter than a safetensors header");
            }
            long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n < 0 || n > SafetensorsFile.MAX_HEADER_BYTES) {
                throw new ModelFileException(file, null, "safetensors header length " + n + " is out of range");
            }
            byte[] json = in.readNBytes((int) n);
            byte[] out = new byte[8 + json.length];
            System.arraycopy(len, 0, out, 0, 8);
            System.arraycopy(json, 0, out, 8, json.length);
            return out;
        } catch (IOException e) {
            throw new ModelFileException(file, null, "cannot read: " + e.getMessage(), e);
        }
    }
}
