package dvlcap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * This process's resident memory from {@code /proc/self/status} (Linux), in KiB: the peak
 * ({@code VmHWM}), the current total and its anonymous (heap, stacks, malloc) and file-backed
 * (memory-mapped weights, shared with the page cache) parts.
 */
public record ProcessMemory(long peakRssKib, long rssKib, long anonKib, long fileKib) {
    private static final Path STATUS = Path.of("/proc/self/status");

    /** Empty where {@code /proc/self/status} is missing or lacks the fields (not Linux). */
    public static Optional<ProcessMemory> read() {
        try {
            return parse(Files.readAllLines(STATUS));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<ProcessMemory> parse(List<String> status) {
        long hwm = -1, rss = -1, anon = -1, file = -1;
        for (String line : status) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            if (!List.of("VmHWM", "VmRSS", "RssAnon", "RssFile").contains(key)) {
                continue;
            }
            long kib = Long.parseLong(line.substring(colon + 1).trim().split("\\s+")[0]);
            switch (key) {
                case "VmHWM" -> hwm = kib;
                case "VmRSS" -> rss = kib;
                case "RssAnon" -> anon = kib;
                default -> file = kib;
            }
        }
        return hwm < 0 || rss < 0 ? Optional.empty()
                : Optional.of(new ProcessMemory(hwm, rss, Math.max(0, anon), Math.max(0, file)));
    }

    /** One line for a report, in MiB. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "peak RSS (VmHWM) %d MiB; RSS now %d MiB = anonymous %d + file-backed %d",
                peakRssKib >> 10, rssKib >> 10, anonKib >> 10, fileKib >> 10);
    }
}
