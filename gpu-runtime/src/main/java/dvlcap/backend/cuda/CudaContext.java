package dvlcap.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxCreate;
import static jcuda.driver.JCudaDriver.cuCtxDestroy;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadFatBinary;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;

/**
 * One device's driver context with the kernels loaded: everything of the CUDA driver API the
 * backend touches besides memory. Opening it says why it cannot, as an {@link Unavailable}.
 */
final class CudaContext implements AutoCloseable {
    /** Why the CUDA backend cannot start here; the message is shown to the user. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private static String driverFailure;
    private static boolean driverProbed;

    private final CUcontext context;
    private final Map<Kernel, CUfunction> functions;
    private final String description;
    /** Unloads the module and destroys the context (the driver calls, or a test's stand-in). */
    private final Runnable release;
    private boolean closed;

    private CudaContext(CUcontext context, Map<Kernel, CUfunction> functions, String description, Runnable release) {
        this.context = context;
        this.functions = functions;
        this.description = description;
        this.release = release;
    }

    /**
     * A context that holds no device, for tests of what happens around one: {@code release} runs on
     * {@link #close}; launching, synchronizing or making it current fails.
     */
    static CudaContext standIn(String description, Runnable release) {
        return new CudaContext(null, Map.of(), description, release);
    }

    /** Loads the JCuda driver binding and calls cuInit once per process; null when that worked. */
    static synchronized String driverFailure() {
        if (!driverProbed) {
            driverProbed = true;
            try {
                int r = cuInit(0);
                if (r != CUresult.CUDA_SUCCESS) {
                    driverFailure = "cuInit failed: " + CUresult.stringFor(r) + " (CUDA_VISIBLE_DEVICES "
                            + DeviceSelection.visibleDevices(System.getenv()) + ")";
                }
            } catch (LinkageError e) {
                // libJCudaDriver links against libcuda.so.1, which only the NVIDIA driver installs
                driverFailure = "JCuda driver binding could not be loaded (no NVIDIA driver, libcuda.so.1?): "
                        + linkFailureDetail(e);
            }
        }
        return driverFailure;
    }

    /**
     * The informative line of JCuda's long load failure: the dynamic linker's complaint (e.g.
     * "libcuda.so.1: cannot open shared object file") when there is one, else the first line.
     */
    static String linkFailureDetail(LinkageError e) {
        String m = String.valueOf(e.getMessage());
        for (String line : m.split("\n")) {
            if (line.contains("cannot open shared object file")) {
                int at = line.indexOf("UnsatisfiedLinkError: ");
                return at < 0 ? line.trim() : line.substring(at + "UnsatisfiedLinkError: ".length()).trim();
            }
        }
        int nl = m.indexOf('\n');
        return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }

    static CudaContext open(DeviceSelection selection, byte[] fatbin) throws Unavailable {
        String failure = driverFailure();
        if (failure != null) {
            throw new Unavailable(failure);
        }
        int ordinal;
        try {
            ordinal = selection.ordinal();
        } catch (IllegalArgumentException e) {
            throw new Unavailable(e.getMessage());
        }
        int[] count = {0};
        expect(cuDeviceGetCount(count), "cuDeviceGetCount");
        if (count[0] == 0) {
            throw new Unavailable("no CUDA device visible (CUDA_VISIBLE_DEVICES "
                    + DeviceSelection.visibleDevices(System.getenv()) + ")");
        }
        if (ordinal >= count[0]) {
            throw new Unavailable("device " + ordinal + " requested by " + selection.source() + " but only "
                    + count[0] + " visible (CUDA_VISIBLE_DEVICES " + DeviceSelection.visibleDevices(System.getenv()) + ")");
        }
        CUdevice device = new CUdevice();
        expect(cuDeviceGet(device, ordinal), "cuDeviceGet");
        int major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        String name = deviceName(device);
        if (major < 8) {
            // the fatbin has sm_80/sm_90 code and compute_90 PTX: nothing older can run it
            throw new Unavailable(name + " has compute capability " + major + "." + minor
                    + "; the kernels need 8.0 or newer (bf16 tensor cores)");
        }
        long[] total = {0};
        cuDeviceTotalMem(total, device);
        int[] driver = {0};
        cuDriverGetVersion(driver);

        CUcontext context = new CUcontext();
        expect(cuCtxCreate(context, 0, device), "cuCtxCreate");
        CUmodule module = new CUmodule();
        int r = cuModuleLoadFatBinary(module, fatbin);
        if (r != CUresult.CUDA_SUCCESS) {
            cuCtxDestroy(context);
            throw new Unavailable("loading kernels.fatbin on " + name + " (sm_" + major + minor + ") failed: "
                    + CUresult.stringFor(r));
        }
        Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
        for (Kernel k : Kernel.values()) {
            CUfunction f = new CUfunction();
            r = cuModuleGetFunction(f, module, k.symbol);
            if (r != CUresult.CUDA_SUCCESS) {
                cuModuleUnload(module);
                cuCtxDestroy(context);
                throw new Unavailable("kernel '" + k.symbol + "' not in kernels.fatbin: " + CUresult.stringFor(r));
            }
            functions.put(k, f);
        }
        String description = "device " + ordinal + " (" + name + ", sm_" + major + minor + ", "
                + (total[0] >> 20) + " MiB, driver " + driver[0] / 1000 + "." + (driver[0] % 1000) / 10 + ")";
        return new CudaContext(context, functions, description, () -> {
            cuModuleUnload(module);
            cuCtxDestroy(context);
        });
    }

    private static void expect(int result, String call) throws Unavailable {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new Unavailable(call + " failed: " + CUresult.stringFor(result));
        }
    }

    private static int attribute(CUdevice device, int attribute) throws Unavailable {
        int[] v = {0};
        expect(cuDeviceGetAttribute(v, attribute, device), "cuDeviceGetAttribute");
        return v[0];
    }

    private static String deviceName(CUdevice device) {
        byte[] b = new byte[256];
        cuDeviceGetName(b, b.length, device);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    String description() {
        return description;
    }

    /** Makes this context current on the calling thread (contexts are per thread in CUDA). */
    void makeCurrent() {
        if (context == null) {
            throw new IllegalStateException("stand-in context " + description + " has no device");
        }
        CudaCheck.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Launches {@code kernel} on the default stream; errors inside it show at the next synchronizing call. */
    void launch(Kernel kernel, long gridX, int gridY, int block, KernelArgs args) {
        if (gridX <= 0 || gridX > Integer.MAX_VALUE || gridY <= 0 || gridY > 65535) {
            throw new IllegalArgumentException(kernel.symbol + ": grid " + gridX + " x " + gridY + " out of range");
        }
        CudaCheck.check(cuLaunchKernel(functions.get(kernel), (int) gridX, gridY, 1, block, 1, 1, 0, null,
                args.toPointer(), null), "cuLaunchKernel(" + kernel.symbol + ")");
    }

    void synchronize() {
        CudaCheck.check(cuCtxSynchronize(), "cuCtxSynchronize");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        release.run();
    }
}
