package dvlcap.it.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Spark home laid out from the build's Maven artifacts ({@code integration-tests/spark-home/pom.xml})
 * and the job's shaded {@code -Pspark-submit} jar; both are built by nested offline Maven runs when
 * absent, once per test JVM.
 */
public final class SparkHome {

    /** What Spark's own launcher scripts add on Java 17 (JavaModuleOptions), for daemons and drivers. */
    static final List<String> JAVA_OPENS = List.of("--add-modules=jdk.incubator.vector",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");

    private static SparkHome instance;

    private final Path root;
    private final Path home;
    private final Path jobJar;

    private SparkHome(Path root) {
        this.root = root;
        this.home = root.resolve("integration-tests/spark-home/target/spark-home");
        this.jobJar = root.resolve("spark-job/target/dvlcap-spark-job-0.1.0-SNAPSHOT-spark-submit.jar");
    }

    /** The Spark home and job jar of this checkout, built if absent. */
    public static synchronized SparkHome get() throws IOException, InterruptedException {
        if (instance == null) {
            SparkHome h = new SparkHome(projectRoot());
            if (!Files.isDirectory(h.home.resolve("jars"))) {
                h.maven("-f", "integration-tests/spark-home/pom.xml", "package");
            }
            if (!Files.isRegularFile(h.jobJar) || h.jobJarIsStale()) {
                h.maven("-pl", "spark-job", "-am", "package", "-Pspark-submit", "-DskipTests");
            }
            instance = h;
        }
        return instance;
    }

    public Path root() {
        return root;
    }

    public Path home() {
        return home;
    }

    public Path jobJar() {
        return jobJar;
    }

    /** The template the README tells users to pass with --properties-file. */
    public Path defaultsTemplate() {
        return root.resolve("conf/spark-defaults.conf.template");
    }

    /** {@code java ... -cp $SPARK_HOME/conf:$SPARK_HOME/jars/* mainClass}, as Spark's bin/spark-class runs it. */
    public List<String> javaCommand(String heap, String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(JAVA_OPENS);
        cmd.add("-cp");
        cmd.add(home.resolve("conf") + File.separator + File.pathSeparator + home.resolve("jars") + File.separator + "*");
        cmd.add(mainClass);
        return cmd;
    }

    /**
     * The environment of every Spark process: SPARK_SCALA_VERSION because the worker's executor
     * command builder otherwise looks for a source tree's build directories.
     */
    public void environment(Map<String, String> env) {
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_CONF_DIR", home.resolve("conf").toString());
    }

    /** True when a main source of the job or what it depends on is newer than the shaded jar. */
    private boolean jobJarIsStale() throws IOException {
        long jar = Files.getLastModifiedTime(jobJar).toMillis();
        for (String module : List.of("schemas", "gpu-runtime", "spark-job")) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main"))) {
                if (files.anyMatch(f -> lastModified(f) > jar)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long lastModified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private void maven(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-q", "-o"));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("dvlcap-nested-mvn", ".log");
        int status = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start().waitFor();
        if (status != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + status + "): " + Files.readString(log));
        }
    }

    private static Path projectRoot() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("conf/spark-defaults.conf.template"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no dvlcap checkout above " + System.getProperty("user.dir"));
        }
        return p;
    }
}
