package dvlcap.model;

import java.nio.file.Path;
import java.util.Arrays;

/** Shape arithmetic and the shape check every {@link WeightSource} performs. */
final class Shapes {
    /** The largest array the JVM reliably allocates. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Shapes() {
    }

    /** Product of the dims; throws ArithmeticException on overflow. */
    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    static void check(Path file, String name, long[] actual, long[] expected) {
        if (!Arrays.equals(actual, expected)) {
            throw new ModelFileException(file, name, "shape " + Arrays.toString(actual) + " but the model expects "
                    + Arrays.toString(expected));
        }
    }

    static int arrayLength(Path file, String name, long numel) {
        if (numel > MAX_ARRAY) {
            throw new ModelFileException(file, name, "has " + numel + " elements, more than a Java float[] holds ("
                    + MAX_ARRAY + "); it cannot be read as one array");
        }
        return (int) numel;
    }
}
