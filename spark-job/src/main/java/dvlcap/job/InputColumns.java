package dvlcap.job;

/**
 * The columns every {@link InputSource} produces, whatever it reads: the image's id, where it came
 * from, and either its bytes ({@code image}) or a file to read them from ({@code path}).
 */
public final class InputColumns {

    /** Unique id of the image (string, not null). */
    public static final String ID = "id";
    /** Path or URL for the captions table's source column (string, nullable). */
    public static final String SOURCE = "source";
    /** A Hadoop path the task reads the bytes from when {@link #IMAGE} is null (string, nullable). */
    public static final String PATH = "path";
    /**
     * The encoded image (binary, nullable), or an already decoded one in Spark's image data source
     * struct ({@link SparkImageStruct}).
     */
    public static final String IMAGE = "image";

    private InputColumns() {
    }
}
