package dvlcap.backend.cuda;

import dvlcap.backend.BackendRequest;
import java.util.Map;

/**
 * Which GPU one backend uses: the ordinal its {@link BackendRequest} pins, else environment
 * variable {@value #ENV}, else 0. The ordinal counts the devices the driver shows, i.e. after
 * CUDA_VISIBLE_DEVICES has filtered them (a Spark executor given GPU address "3" either exports
 * CUDA_VISIBLE_DEVICES=3 and uses ordinal 0, or requests ordinal 3 with all devices visible).
 * No system property: it would be shared by every engine in the JVM.
 */
record DeviceSelection(String value, String source) {
    static final String ENV = "DVLCAP_CUDA_DEVICE";

    static DeviceSelection of(BackendRequest request) {
        return from(request, System.getenv());
    }

    static DeviceSelection from(BackendRequest request, Map<String, String> env) {
        if (request.pinsDevice()) {
            return new DeviceSelection(Integer.toString(request.cudaDevice()), "the backend request");
        }
        String e = env.get(ENV);
        if (e != null && !e.isBlank()) {
            return new DeviceSelection(e.trim(), "environment variable " + ENV);
        }
        return new DeviceSelection("0", "default");
    }

    /** The ordinal; an {@link IllegalArgumentException} naming the source if it is not one. */
    int ordinal() {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(source + " is '" + value + "', not a device ordinal (0, 1, ...)");
    }

    /** CUDA_VISIBLE_DEVICES as the driver sees it, for messages. */
    static String visibleDevices(Map<String, String> env) {
        String v = env.get("CUDA_VISIBLE_DEVICES");
        return v == null ? "unset" : "'" + v + "'";
    }
}
