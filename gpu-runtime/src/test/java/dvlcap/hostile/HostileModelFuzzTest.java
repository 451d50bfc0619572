package dvlcap.hostile;

import dvlcap.model.EmbeddedModels;
import dvlcap.model.ModelDirectory;
import dvlcap.model.WeightSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile model files, fuzzed: the embedded model copied and mutated (safetensors header length, JSON
 * bytes, tensor offsets, shapes and dtypes, truncation; config.json keys at the top and in
 * vision_config) from a fixed seed, each directory loaded as {@code dvlcap caption} and
 * {@code dvlcap inspect} load it. Every load ends loaded or in a ModelFileException naming the file
 * and the tensor or key; never another exception, an OutOfMemoryError or a hang.
 *
 * <p>The default suite runs 1,000 cases; {@code -Ddvlcap.fuzz.cases=N} (and {@code -Ddvlcap.fuzz.seed=S})
 * runs a longer or different campaign. The outcome table is printed and written to
 * {@code target/hostile-model-fuzz.txt}.
 */
class HostileModelFuzzTest {
    static final long SEED = Long.getLong("dvlcap.fuzz.seed", 20_261_202L);
    static final int CASES = Integer.getInteger("dvlcap.fuzz.cases", 1_000);
    static final long TIMEOUT_MS = Long.getLong("dvlcap.fuzz.timeout-ms", 20_000L);
    static final Path MODEL = Path.of("..", "models", EmbeddedModels.DEFAULT);
    private static final MutationKind[] KINDS = MutationKind.values();

    @TempDir
    Path tmp;

    @Test
    void everyMutatedModelLoadsOrFailsWithAClearModelFileError() throws IOException {
        Path dir = copyOfModel(tmp.resolve("model"));
        byte[] config = Files.readAllBytes(dir.resolve(ModelDirectory.CONFIG));
        byte[] weights = Files.readAllBytes(dir.resolve(WeightSources.SINGLE_FILE));
        SafetensorsMutator st = new SafetensorsMutator(WeightSources.SINGLE_FILE, weights);
        ConfigMutator cm = new ConfigMutator(ModelDirectory.CONFIG, config);

        DirectoryContents files = new DirectoryContents(dir);
        Map<MutationKind, int[]> counts = new EnumMap<>(MutationKind.class);
        List<String> unclear = new ArrayList<>();
        List<String> harmfulButLoaded = new ArrayList<>();
        List<String> loaded = new ArrayList<>();
        long wall0 = System.nanoTime(), cpu0 = processCpuNanos();
        try (ModelLoadProbe probe = new ModelLoadProbe(TIMEOUT_MS)) {
            assertEquals(Outcome.Verdict.LOADED, probe.probe(dir, null).verdict(), "the unmutated copy loads");
            for (int i = 0; i < CASES; i++) {
                MutationKind kind = KINDS[i % KINDS.length];
                Random r = new Random(SEED ^ (i * 0x9E3779B97F4A7C15L));
                Mutation m = kind.targetsConfigKey() ? cm.mutate(kind, r) : st.mutate(kind, r);
                files.put(ModelDirectory.CONFIG, m.file().equals(ModelDirectory.CONFIG) ? m.content() : config);
                files.put(WeightSources.SINGLE_FILE, m.file().equals(WeightSources.SINGLE_FILE) ? m.content() : weights);
                Outcome o = probe.probe(dir, m);
                counts.computeIfAbsent(kind, k -> new int[3])[o.verdict().ordinal()]++;
                if (o.verdict() == Outcome.Verdict.UNCLEAR) {
                    unclear.add("case " + i + ": " + m + "\n    " + o.detail());
                }
                if (o.verdict() == Outcome.Verdict.LOADED) {
                    loaded.add("case " + i + ": " + m);
                }
                if (o.verdict() == Outcome.Verdict.LOADED && alwaysHarmful(kind)) {
                    harmfulButLoaded.add("case " + i + ": " + m);
                }
            }
        }
        String table = table(counts) + String.format(Locale.ROOT, "%.1f s wall, %.1f s CPU (process)%n",
                (System.nanoTime() - wall0) / 1e9, (processCpuNanos() - cpu0) / 1e9);
        System.out.println(table);
        Path report = Path.of("target", "hostile-model-fuzz.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, table + "\nloaded (harmless mutations):\n" + String.join("\n", loaded) + "\n");
        assertTrue(unclear.isEmpty(), unclear.size() + " of " + CASES + " loads ended unclearly; first ones:\n"
                + String.join("\n", unclear.subList(0, Math.min(25, unclear.size()))));
        assertTrue(harmfulButLoaded.isEmpty(), "a broken file was accepted:\n" + String.join("\n", harmfulButLoaded));
    }

    /** A cut file or a lying header length always breaks the file; loading it would mean reading garbage. */
    private static boolean alwaysHarmful(MutationKind kind) {
        return kind == MutationKind.TRUNCATION || kind == MutationKind.HEADER_LENGTH;
    }

    private static String table(Map<MutationKind, int[]> counts) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "hostile model files: %d cases, seed %d%n", CASES, SEED));
        b.append(String.format(Locale.ROOT, "%-32s %6s %11s %7s%n", "mutation", "loaded", "clear error", "unclear"));
        int[] total = new int[3];
        for (Map.Entry<MutationKind, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            b.append(String.format(Locale.ROOT, "%-32s %6d %11d %7d%n", e.getKey().label(), c[0], c[1], c[2]));
            for (int i = 0; i < 3; i++) {
                total[i] += c[i];
            }
        }
        b.append(String.format(Locale.ROOT, "%-32s %6d %11d %7d%n", "all", total[0], total[1], total[2]));
        return b.toString();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static Path copyOfModel(Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(MODEL)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".json") || name.endsWith(".safetensors")) {
                    Files.copy(f, to.resolve(name));
                }
            }
        }
        return to;
    }
}
