package dvlcap.backend.cuda;

import java.util.Map;
import java.util.function.Function;

/**
 * Which GPU this process uses: system property {@value #PROPERTY}, else environment variable
 * {@value #ENV}, else 0. The ordinal counts the devices the driver shows, i.e. after
 * CUDA_VISIBLE_DEVICES has filtered them (a Spark executor given GPU address "3" either exports
 * CUDA_VISIBLE_DEVICES=3 and uses ordinal 0, or sets the property to 3 with all devices visible).
 */
record DeviceSelection(String value, String source) {
    static final String PROPERTY = "dvlcap.cuda.device";
    static final String ENV = "DVLCAP_CUDA_DEVICE";

    static DeviceSelection fromEnvironment() {
        return from(System::getProperty, System.getenv());
    }

    static DeviceSelection from(Function<String, String> properties, Map<String, String> env) {
        String p = properties.apply(PROPERTY);
        if (p != null && !p.isBlank()) {
            return new DeviceSelection(p.trim(), "system property " + PROPERTY);
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
