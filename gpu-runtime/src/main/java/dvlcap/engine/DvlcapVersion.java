package dvlcap.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The dvlcap version this engine was built as (Maven's project version, filtered into a resource). */
public final class DvlcapVersion {
    private static final String VERSION = load();

    private DvlcapVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = DvlcapVersion.class.getResourceAsStream("/dvlcap/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
