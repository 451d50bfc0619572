package dvlcap.backend.cuda;

import java.util.List;

/** The buffers still open when an allocator closed (and that it then freed). */
public record LeakReport(int buffers, long bytes, List<String> descriptions) {
    static final int LISTED = 20;

    public static LeakReport none() {
        return new LeakReport(0, 0, List.of());
    }

    public boolean isEmpty() {
        return buffers == 0;
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "no leaked device buffers";
        }
        return buffers + " device buffer(s) of " + bytes + " bytes were not closed: " + String.join(", ", descriptions)
                + (buffers > descriptions.size() ? ", ..." : "");
    }
}
