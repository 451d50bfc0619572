package dvlcap.sweep;

import dvlcap.report.ParquetRows;
import dvlcap.schemas.SweepCaptionsTableSchema;
import dvlcap.schemas.SweepTableSchema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A sweep's output directory: {@code sweep/} (the sweep table, one Parquet file per finished
 * setting) and {@code sweep_captions/} (that setting's captions, one file each). A setting's
 * captions are written before its row, and each file appears by an atomic rename, so the row's
 * presence says the setting is complete; a killed sweep leaves at most an orphan captions file,
 * which the rerun replaces.
 */
public final class SweepTable {

    public static final String SWEEP_DIR = "sweep";
    public static final String CAPTIONS_DIR = "sweep_captions";

    private final Path dir;

    public SweepTable(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The settings hashes already in the table. */
    public Set<String> finished() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        rows().forEach(r -> out.add((String) r.get(SweepTableSchema.SETTINGS_HASH)));
        return out;
    }

    /** Every row, in the order the settings finished. */
    public List<Map<String, Object>> rows() throws IOException {
        List<Map<String, Object>> rows = readAll(dir.resolve(SWEEP_DIR));
        rows.sort((a, b) -> ((java.time.Instant) a.get(SweepTableSchema.FINISHED_AT))
                .compareTo((java.time.Instant) b.get(SweepTableSchema.FINISHED_AT)));
        return rows;
    }

    /** Every caption of the finished settings. */
    public List<Map<String, Object>> captions() throws IOException {
        Set<String> done = finished();
        List<Map<String, Object>> rows = readAll(dir.resolve(CAPTIONS_DIR));
        rows.removeIf(r -> !done.contains((String) r.get(SweepCaptionsTableSchema.SETTINGS_HASH)));
        return rows;
    }

    /** Records a finished setting: its captions, then its row. */
    public void append(Map<String, Object> row, List<Map<String, Object>> captions) throws IOException {
        String hash = (String) row.get(SweepTableSchema.SETTINGS_HASH);
        String file = "part-" + hash.substring(hash.indexOf(':') + 1, hash.indexOf(':') + 17) + ".parquet";
        ParquetRows.write(dir.resolve(CAPTIONS_DIR).resolve(file), SweepCaptionsTableSchema.SCHEMA, captions);
        ParquetRows.write(dir.resolve(SWEEP_DIR).resolve(file), SweepTableSchema.SCHEMA, List.of(row));
    }

    private static List<Map<String, Object>> readAll(Path table) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!Files.isDirectory(table)) {
            return rows;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(table)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".parquet")
                    && !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        for (Path f : files) {
            rows.addAll(ParquetRows.read(f));
        }
        return rows;
    }
}
