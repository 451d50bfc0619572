package dvlcap.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Image files: a directory (searched recursively) or a glob, on any Hadoop file system. The driver
 * lists paths only; tasks read each file's bytes themselves, so a shuffle moves paths, not images.
 * The id and source of a row are the file's qualified path.
 *
 * <p>Listed with Hadoop's FileSystem rather than Spark's binaryFile source because Spark's file
 * index drops zero-byte files, and a zero-byte image must still become an (error) row. Hidden
 * files ({@code _*}, {@code .*}) are skipped. In a directory only files with an image extension
 * are taken (a manifest beside the images is not an image); a glob takes exactly the files it
 * matches, and those that are not images become error rows.
 *
 * @throws IllegalArgumentException (from {@link #read}) if the input does not exist or matches nothing
 */
public final class ImageFilesInput implements InputSource {

    static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");

    static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField(InputColumns.ID, DataTypes.StringType, false),
            DataTypes.createStructField(InputColumns.SOURCE, DataTypes.StringType, true),
            DataTypes.createStructField(InputColumns.PATH, DataTypes.StringType, true),
            DataTypes.createStructField(InputColumns.IMAGE, DataTypes.BinaryType, true)));

    private final String input;

    public ImageFilesInput(String input) {
        this.input = input;
    }

    static boolean isGlob(String path) {
        return path.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
        List<String> paths;
        try {
            paths = list(spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list --input " + input + ": " + e.getMessage(), e);
        }
        List<Row> rows = new ArrayList<>(paths.size());
        for (String p : paths) {
            rows.add(RowFactory.create(p, p, p, null));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int slices = Math.max(1, Math.min(rows.size(), jsc.defaultParallelism()));
        return spark.createDataFrame(jsc.parallelize(rows, slices), SCHEMA);
    }

    /** The qualified paths of the input's image files, sorted. */
    List<String> list(Configuration conf) throws IOException {
        Path path = new Path(input);
        FileSystem fs = path.getFileSystem(conf);
        List<String> out = new ArrayList<>();
        if (isGlob(input)) {
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                throw new IllegalArgumentException("--input " + input + " matches no files");
            }
            for (FileStatus s : matches) {
                if (s.isDirectory()) {
                    listDirectory(fs, s.getPath(), out);
                } else if (!hidden(s.getPath())) {
                    out.add(s.getPath().toString());
                }
            }
        } else {
            if (!fs.exists(path)) {
                throw new IllegalArgumentException("--input " + input + " does not exist");
            }
            FileStatus s = fs.getFileStatus(path);
            if (s.isDirectory()) {
                listDirectory(fs, s.getPath(), out);
            } else {
                out.add(s.getPath().toString());
            }
        }
        out.sort(null);
        return out;
    }

    private static void listDirectory(FileSystem fs, Path dir, List<String> out) throws IOException {
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            Path p = it.next().getPath();
            if (!hidden(p) && hasImageExtension(p.getName())) {
                out.add(p.toString());
            }
        }
    }

    private static boolean hidden(Path p) {
        String n = p.getName();
        return n.startsWith("_") || n.startsWith(".");
    }

    static boolean hasImageExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean carriesBytes() {
        return false;
    }
}
