import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Two builds of one engine kernel, side by side in one JVM: each build's classes are loaded by a
 * class loader of their own, one instance of a JMH benchmark class of {@code dvlcap.bench.jmh} is
 * set up in each (its public parameter fields set from NAME=VALUE arguments, then {@code setUp()}),
 * and rounds alternate between the two builds' benchmark method (the order swapped every round),
 * so that a machine slowing down or speeding up weighs on both alike. Prints each build's median
 * calls/s and the median over rounds of B's rate over A's.
 *
 * <p>Why not two JMH runs: on a shared VM, runs minutes apart differed by 30% for the same code.
 * One JVM still compiles each build once, and C2 does not compile alike every time: repeat the
 * command (three to five runs) and read the ratios together; the same directory as A and B (an
 * A/A run) shows what spread to expect.
 *
 * <pre>
 * cp -r gpu-runtime/target/classes /tmp/before   # then rebuild with the change
 * java --add-modules jdk.incubator.vector -XX:ActiveProcessorCount=1 bench/CompareBuilds.java \
 *     /tmp/before gpu-runtime/target/classes MatmulBenchmark matmul \
 *     backend=vector dtype=bf16 shape=896x4864 rows=8 weights=1 [rounds=12] [slice=0.2]
 * </pre>
 * {@code rounds} (timed rounds, after three untimed) and {@code slice} (seconds per build per
 * round) are this program's own; every other NAME=VALUE sets the benchmark field NAME (int or
 * String) on both sides, {@code a.NAME=VALUE} or {@code b.NAME=VALUE} on one side only, so that
 * one build (the same directory twice) can be compared with itself under two settings. The classpath of the builds' dependencies is read from
 * {@code gpu-runtime/target/classpath.txt} (run from the repository root after a package).
 */
public final class CompareBuilds {
    public static void main(String[] args) throws Throwable {
        if (args.length < 4) {
            System.err.println("usage: CompareBuilds CLASSES_A CLASSES_B BENCHMARK_CLASS METHOD [NAME=VALUE ...]");
            System.exit(2);
        }
        int rounds = 12;
        double slice = 0.2;
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("expected NAME=VALUE, got " + args[i]);
                System.exit(2);
            }
            String name = args[i].substring(0, eq), value = args[i].substring(eq + 1);
            switch (name) {
                case "rounds" -> rounds = Integer.parseInt(value);
                case "slice" -> slice = Double.parseDouble(value);
                default -> params.put(name, value);
            }
        }
        Path classpath = Path.of("gpu-runtime/target/classpath.txt");
        List<URL> deps = new ArrayList<>();
        for (String p : Files.readString(classpath).trim().split(":")) {
            deps.add(Path.of(p).toUri().toURL());
        }
        MethodHandle[] calls = new MethodHandle[2];
        for (int i = 0; i < 2; i++) {
            List<URL> urls = new ArrayList<>();
            urls.add(Path.of(args[i]).toUri().toURL());
            urls.addAll(deps);
            ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
            Class<?> c = loader.loadClass("dvlcap.bench.jmh." + args[2]);
            Object bench = c.getConstructor().newInstance();
            String side = i == 0 ? "a." : "b.";
            for (Map.Entry<String, String> p : params.entrySet()) {
                String key = p.getKey();
                if (key.startsWith("a.") || key.startsWith("b.")) {
                    if (!key.startsWith(side)) {
                        continue;
                    }
                    key = key.substring(2);
                }
                Field f = c.getField(key);
                if (f.getType() == int.class) {
                    f.setInt(bench, Integer.parseInt(p.getValue()));
                } else {
                    f.set(bench, p.getValue());
                }
            }
            // libraries that look classes up through the context loader (jinjava, by ModelDirectory) find this build's
            Thread.currentThread().setContextClassLoader(loader);
            c.getMethod("setUp").invoke(bench);
            calls[i] = MethodHandles.publicLookup().findVirtual(c, args[3], MethodType.methodType(void.class))
                    .bindTo(bench);
        }
        double[][] rate = new double[2][rounds];
        double[] ratio = new double[rounds];
        for (int r = -3; r < rounds; r++) { // three untimed rounds compile both builds
            for (int k = 0; k < 2; k++) {
                int i = (r & 1) == 0 ? k : 1 - k;
                long t0 = System.nanoTime(), end = t0 + (long) (slice * 1e9), n = 0;
                while (System.nanoTime() < end) {
                    calls[i].invokeExact();
                    n++;
                }
                if (r >= 0) {
                    rate[i][r] = n / ((System.nanoTime() - t0) / 1e9);
                }
            }
            if (r >= 0) {
                ratio[r] = rate[1][r] / rate[0][r];
            }
        }
        System.out.printf(Locale.ROOT, "%s.%s %s: A %.0f calls/s, B %.0f calls/s, B/A median %.3f (quartiles"
                + " %.3f-%.3f, %d rounds)%n", args[2], args[3], params, median(rate[0]), median(rate[1]), median(ratio),
                quantile(ratio, 0.25), quantile(ratio, 0.75), rounds);
        System.exit(0); // the engines' worker threads are daemons, but do not wait for them
    }

    private static double median(double[] v) {
        return quantile(v, 0.5);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) (q * (s.length - 1) + 0.5)];
    }
}
