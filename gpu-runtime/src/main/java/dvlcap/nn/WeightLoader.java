package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.backend.Weight;
import dvlcap.model.WeightSource;

/**
 * Moves checkpoint tensors onto a backend, checking each shape against the config (a mismatch
 * is a {@link dvlcap.model.ModelFileException} naming file and tensor, raised by the source).
 * Matrices go over in their stored dtype (a file's bf16 stays mapped on the CPU, never copied to
 * float32); vectors and other small data tensors are read as float32.
 */
final class WeightLoader {
    private final Backend backend;
    private final WeightSource source;

    WeightLoader(Backend backend, WeightSource source) {
        this.backend = backend;
        this.source = source;
    }

    Weight matrix(String name, int rows, int cols) {
        return backend.weight(source.stored(name, rows, cols), rows, cols);
    }

    /** A conv patch embedding [out, c, p, p] flattened to a [out, c*p*p] matrix. */
    Weight patchMatrix(String name, int out, int channels, int patch) {
        return backend.weight(source.stored(name, out, channels, patch, patch), out, channels * patch * patch);
    }

    Tensor vector(String name, int n) {
        return backend.upload(source.floats(name, n));
    }

    /** A [rows, cols] tensor used as data (not as a matmul operand), e.g. position embeddings. */
    Tensor vector2(String name, int rows, int cols) {
        return backend.upload(source.floats(name, rows, cols));
    }

    boolean has(String name) {
        return source.has(name);
    }
}
