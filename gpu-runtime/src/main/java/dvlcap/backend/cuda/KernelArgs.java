package dvlcap.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * The parameter block of one kernel launch, in the order and C types of the kernel's signature
 * (pointer = 8 bytes, {@code int}, {@code long long}, {@code float}).
 */
final class KernelArgs {
    private static final CUdeviceptr NULL = new CUdeviceptr();
    private final List<Pointer> params = new ArrayList<>();

    KernelArgs ptr(CUdeviceptr p) {
        params.add(Pointer.to(p == null ? NULL : p));
        return this;
    }

    KernelArgs i32(int v) {
        params.add(Pointer.to(new int[] {v}));
        return this;
    }

    KernelArgs i64(long v) {
        params.add(Pointer.to(new long[] {v}));
        return this;
    }

    KernelArgs f32(float v) {
        params.add(Pointer.to(new float[] {v}));
        return this;
    }

    Pointer toPointer() {
        return Pointer.to(params.toArray(new Pointer[0]));
    }
}
