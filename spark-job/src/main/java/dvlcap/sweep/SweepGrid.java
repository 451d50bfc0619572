package dvlcap.sweep;

import java.util.List;

/** The settings a sweep runs, in the grid file's order, without duplicates. */
public record SweepGrid(String source, List<SweepSetting> settings) {

    static final int DEFAULT_MAX_NEW_TOKENS = 96;
    static final int DEFAULT_BATCH_SIZE = 16;

    public SweepGrid {
        settings = List.copyOf(settings);
    }
}
