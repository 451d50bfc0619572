package dvlcap.backend.cuda;

/**
 * A CUDA driver call failed for a reason other than lack of memory. After a failing kernel the
 * context is usually unusable; the backend should be closed.
 */
public final class CudaCallException extends RuntimeException {
    private final int result;

    public CudaCallException(String call, int result, String name) {
        super(call + " failed: " + name + " (" + result + ")");
        this.result = result;
    }

    /** The CUresult code. */
    public int result() {
        return result;
    }
}
