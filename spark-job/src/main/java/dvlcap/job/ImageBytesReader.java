package dvlcap.job;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads an image file's bytes on a task thread (local, hdfs://, s3a://).
 *
 * @throws IOException (from {@link #read}) with a message fit for the error column: missing file,
 *         unreadable file, or a file above the size limit (read no further than its header); or a
 *         failure of the store itself, which {@link #isFileFault} tells apart
 */
final class ImageBytesReader {

    /** Larger files are refused before reading: no real image needs this, and it bounds task memory. */
    static final long MAX_BYTES = 512L << 20;

    private final Configuration conf;

    ImageBytesReader(Configuration conf) {
        this.conf = conf;
    }

    byte[] read(String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus status = fs.getFileStatus(p);
        if (status.getLen() > MAX_BYTES) {
            throw new TooLargeException("file is " + status.getLen() + " bytes, larger than the " + (MAX_BYTES >> 20)
                    + " MiB limit for one image");
        }
        try (InputStream in = fs.open(p)) {
            return in.readNBytes((int) status.getLen());
        }
    }

    /**
     * Whether a read failed because of the file itself (missing, not readable by us, too large):
     * then the image is an error row. Anything else (a 503 after S3A's retries, a timeout, a
     * reset, an HDFS block missing) is the store failing, and must fail the task instead, so that
     * Spark retries it and, if it keeps failing, the run fails and {@code --resume} captions the
     * image later; as an error row it would be skipped by every resume.
     */
    static boolean isFileFault(IOException e) {
        return e instanceof java.io.FileNotFoundException || e instanceof java.nio.file.AccessDeniedException
                || e instanceof TooLargeException;
    }

    /** A file above {@link #MAX_BYTES}. */
    static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }
}
