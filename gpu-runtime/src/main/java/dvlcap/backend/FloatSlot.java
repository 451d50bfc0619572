package dvlcap.backend;

/**
 * A kernel's working float array, one per thread, kept between calls and grown to the largest
 * size asked. A batch-1 forward's matmul parts and x permutations allocated about 1.5 MB of
 * short-lived arrays per forward, which the JIT zeroes and the heap then has to recycle. What the
 * array holds is whatever the last call left: callers write every element they read. One slot
 * serves one use; two arrays live at once on a thread need two slots.
 */
final class FloatSlot {
    private final ThreadLocal<float[]> local = ThreadLocal.withInitial(() -> new float[0]);

    /** This thread's array, at least {@code n} long. */
    float[] get(int n) {
        float[] a = local.get();
        if (a.length < n) {
            a = new float[n];
            local.set(a);
        }
        return a;
    }
}
