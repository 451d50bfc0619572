package dvlcap.trainer;

import java.nio.file.Path;
import dvlcap.cli.Args;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The train command's arguments, checked; every bad value is an {@link IllegalArgumentException} saying what is allowed. */
public record TrainOptions(Path corpus, Path out, String stage, Path init, int steps, int batch, double lr, long seed,
                           int threads, int warmup, int evalEvery, Path evalCorpus, int evalImages, int blockSize,
                           ModelShape shape, double weightDecay, double clip, List<int[]> anneal,
                           boolean complementary, double blockShift) {

    static final List<String> FLAGS = List.of("--corpus", "--out", "--stage", "--init", "--steps", "--batch", "--lr",
            "--seed", "--threads", "--warmup", "--eval-every", "--eval-corpus", "--eval-images", "--block-size",
            "--shape", "--weight-decay", "--clip", "--anneal",
            "--complementary", "--block-shift");

    /** Parsed by the one {@link Args} parser: {@code --x y} and {@code --x=y} alike. */
    public static TrainOptions parse(String[] args) {
        Set<String> valued = new HashSet<>();
        FLAGS.forEach(f -> valued.add(f.substring(2)));
        Args a = Args.parse("train", args, valued, Set.of("help"));
        a.noPositional();
        String stage = a.choice("stage", null, "ar", "bd3", "fast");
        if (stage == null) {
            a.required("stage");
        }
        Path init = a.has("init") ? Path.of(a.string("init", null)) : null;
        int steps = a.integer("steps", stage.equals("ar") ? 1200 : 800, 1, 10_000_000);
        int warmupDefault = Math.min(100, Math.max(1, steps / 10));
        boolean fast = stage.equals("fast");
        int blockSize = a.integer("block-size", fast ? 32 : 8, fast ? 2 : 1, 256);
        List<int[]> anneal = anneal(a.string("anneal", null), fast, steps);
        return new TrainOptions(Path.of(a.required("corpus")), Path.of(a.required("out")), stage, init, steps,
                a.integer("batch", 16, 1, 4096),
                a.real("lr", stage.equals("ar") ? 1e-3 : 5e-4, 1e-7, 1.0),
                a.longValue("seed", 0),
                a.integer("threads", Runtime.getRuntime().availableProcessors(), 1, 1024),
                a.integer("warmup", warmupDefault, 0, steps),
                a.integer("eval-every", 100, 0, 10_000_000),
                a.has("eval-corpus") ? Path.of(a.string("eval-corpus", null)) : null,
                a.integer("eval-images", 32, 0, 100_000),
                blockSize,
                shape(a.string("shape", "default")),
                a.real("weight-decay", 0.01, 0, 10),
                a.real("clip", 1.0, 0, 1e6), anneal,
                fastOnly(a, "complementary", fast, "yes".equals(a.choice("complementary", "no", "yes", "no"))),
                fastOnly(a, "block-shift", fast, a.real("block-shift", 0, 0, 1)));
    }

    private static <T> T fastOnly(Args a, String flag, boolean fast, T value) {
        if (a.has(flag) && !fast) {
            throw new IllegalArgumentException("--" + flag + " applies to --stage fast only");
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
}
