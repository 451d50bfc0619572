package dvlcap.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Chooses the {@link InputSource} for a run's options. */
public final class InputSources {

    private InputSources() {
    }

    /**
     * @throws UncheckedIOException if {@code --input-format auto} has to look at the input and cannot
     */
    public static InputSource of(JobOptions o, Configuration conf) {
        boolean parquet = switch (o.inputFormat()) {
            case PARQUET -> true;
            case IMAGES -> false;
            case AUTO -> looksLikeParquet(o.input(), conf);
        };
        return parquet ? new ParquetImagesInput(o.input(), o.imageColumn(), o.idColumn())
                : new ImageFilesInput(o.input());
    }

    static boolean looksLikeParquet(String input, Configuration conf) {
        if (input.endsWith(".parquet") || input.endsWith(".parquet/")) {
            return true;
        }
        if (ImageFilesInput.isGlob(input)) {
            return false;
        }
        try {
            Path p = new Path(input);
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p) || !fs.getFileStatus(p).isDirectory()) {
                return false;
            }
            for (FileStatus s : fs.listStatus(p)) {
                if (s.isFile() && s.getPath().getName().endsWith(".parquet")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list --input " + input + ": " + e.getMessage(), e);
        }
    }
}
