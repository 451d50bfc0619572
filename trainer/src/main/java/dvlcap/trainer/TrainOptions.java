package dvlcap.trainer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The train command's arguments, checked; every bad value is an {@link IllegalArgumentException} saying what is allowed. */
public record TrainOptions(Path corpus, Path out, String stage, Path init, int steps, int batch, double lr, long seed,
                           int threads, int warmup, int evalEvery, Path evalCorpus, int evalImages, int blockSize,
                           ModelShape shape, double weightDecay, double clip, List<int[]> anneal,
                           boolean complementary, double blockShift) {

    static final List<String> FLAGS = List.of("--corpus", "--out", "--stage", "--init", "--steps", "--batch", "--lr",
            "--seed", "--threads", "--warmup", "--eval-every", "--eval-corpus", "--eval-images", "--block-size",
            "--shape", "--weight-decay", "--clip", "--anneal",
            "--complementary", "--block-shift");

    public static TrainOptions parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!FLAGS.contains(a)) {
                throw new IllegalArgumentException("unknown option '" + a + "' (see --help)");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            if (m.put(a, args[++i]) != null) {
                throw new IllegalArgumentException(a + " given twice");
            }
        }
        String stage = required(m, "--stage");
        if (!stage.equals("ar") && !stage.equals("bd3") && !stage.equals("fast")) {
            throw new IllegalArgumentException("--stage must be ar, bd3 or fast, got '" + stage + "'");
        }
        Path init = m.containsKey("--init") ? Path.of(m.get("--init")) : null;
        int steps = integer(m, "--steps", stage.equals("ar") ? 1200 : 800, 1, 10_000_000);
        int warmupDefault = Math.min(100, Math.max(1, steps / 10));
        boolean fast = stage.equals("fast");
        int blockSize = integer(m, "--block-size", fast ? 32 : 8, fast ? 2 : 1, 256);
        List<int[]> anneal = anneal(m.get("--anneal"), fast, steps);
        return new TrainOptions(Path.of(required(m, "--corpus")), Path.of(required(m, "--out")), stage, init, steps,
                integer(m, "--batch", 16, 1, 4096),
                real(m, "--lr", stage.equals("ar") ? 1e-3 : 5e-4, 1e-7, 1.0),
                longValue(m, "--seed", 0),
                integer(m, "--threads", Runtime.getRuntime().availableProcessors(), 1, 1024),
                integer(m, "--warmup", warmupDefault, 0, steps),
                integer(m, "--eval-every", 100, 0, 10_000_000),
                m.containsKey("--eval-corpus") ? Path.of(m.get("--eval-corpus")) : null,
                integer(m, "--eval-images", 32, 0, 100_000),
                blockSize,
                shape(m.getOrDefault("--shape", "default")),
                real(m, "--weight-decay", 0.01, 0, 10),
                real(m, "--clip", 1.0, 0, 1e6), anneal, yesNo(m, "--complementary", fast),
                fastOnly(m, "--block-shift", fast, real(m, "--block-shift", 0, 0, 1)));
    }

    private static boolean yesNo(Map<String, String> m, String flag, boolean fast) {
        String v = m.get(flag);
        if (v == null) {
            return false;
        }
        if (!v.equals("yes") && !v.equals("no")) {
            throw new IllegalArgumentException(flag + " must be yes or no, got '" + v + "'");
        }
        return fastOnly(m, flag, fast, v.equals("yes"));
    }

    private static <T> T fastOnly(Map<String, String> m, String flag, boolean fast, T value) {
        if (m.containsKey(flag) && !fast) {
            throw new IllegalArgumentException(flag + " applies to --stage fast only");
        }
        return value;
    }

    /** {@code --anneal SIZE:STEPS,...}: the block sizes trained before --block-size, and for how many steps each. */
    private static List<int[]> anneal(String v, boolean fast, int steps) {
        if (v == null) {
            return List.of();
        }
        if (!fast) {
            throw new IllegalArgumentException("--anneal applies to --stage fast only");
        }
        List<int[]> out = new ArrayList<>();
        int total = 0;
        for (String part : v.split(",")) {
            String[] kv = part.trim().split(":");
            int size = -1, n = -1;
            if (kv.length == 2) {
                try {
                    size = Integer.parseInt(kv[0].trim());
                    n = Integer.parseInt(kv[1].trim());
                } catch (NumberFormatException ignored) {
                    // reported below
                }
            }
            if (size < 2 || size > 256 || n < 1) {
                throw new IllegalArgumentException("--anneal must be SIZE:STEPS pairs separated by commas, sizes 2 to 256, "
                        + "steps >= 1 (e.g. 8:500,16:500), got '" + part + "'");
            }
            out.add(new int[]{size, n});
            total += n;
        }
        if (total >= steps) {
            throw new IllegalArgumentException("--anneal covers " + total + " steps, leaving none of the " + steps
                    + " --steps for the final block size");
        }
        return List.copyOf(out);
    }

    private static ModelShape shape(String name) {
        try {
            return ModelShape.named(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--shape must be default or micro, got '" + name + "'");
        }
    }

    private static String required(Map<String, String> m, String flag) {
        String v = m.get(flag);
        if (v == null) {
            throw new IllegalArgumentException(flag + " is required (see --help)");
        }
        return v;
    }

    private static int integer(Map<String, String> m, String flag, int dflt, int min, int max) {
        String v = m.get(flag);
        if (v == null) {
            return dflt;
        }
        try {
            int x = Integer.parseInt(v);
            if (x >= min && x <= max) {
                return x;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " must be an integer from " + min + " to " + max + ", got '" + v + "'");
    }

    private static long longValue(Map<String, String> m, String flag, long dflt) {
        String v = m.get(flag);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a 64-bit integer, got '" + v + "'");
        }
    }

    private static double real(Map<String, String> m, String flag, double dflt, double min, double max) {
        String v = m.get(flag);
        if (v == null) {
            return dflt;
        }
        try {
            double x = Double.parseDouble(v);
            if (x >= min && x <= max) {
                return x;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " must be a number from " + min + " to " + max + ", got '" + v + "'");
    }
}
