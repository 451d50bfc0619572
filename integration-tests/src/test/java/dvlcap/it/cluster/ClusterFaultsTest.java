package dvlcap.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.job.JobCommand;
import dvlcap.testing.TinyCheckpoints;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real standalone cluster (master, two workers, executors in their own JVMs),
 * submitted through Spark's SparkSubmit with the shaded jar and the spark-defaults template, while
 * processes are SIGKILLed: an executor holding captioned but uncommitted rows, a worker (a lost
 * node), the driver (then {@code --resume}). Every input must end with exactly one row, and the
 * captions must equal a local-mode run's. Slow (minutes): {@code mvn -Pcluster-faults}.
 */
@Tag("cluster")
class ClusterFaultsTest {

    static final int IMAGES = 32;
    static final String GATE_AFTER_ROWS = "6";

    @TempDir
    static Path shared;
    static SparkHome spark;
    static Path images;
    static Path model;
    static Path gateJar;
    static Map<String, String> reference;
    static SparkSession reader;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        spark = SparkHome.get();
        images = writeImages(shared.resolve("images"));
        model = TinyCheckpoints.write(shared.resolve("tiny-bd"), TinyCheckpoints.Spec.tiny(11));
        gateJar = gateJar(shared.resolve("gate.jar"));
        Path local = shared.resolve("local");
        List<String> args = new ArrayList<>(jobArgs(local));
        args.addAll(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = JobCommand.run(args.toArray(String[]::new), new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(err, true));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        reader = SparkSession.builder().master("local[1]").appName("cluster-check")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        reference = captions(local);
        assertEquals(IMAGES, reference.size());
    }

    @AfterAll
    static void tearDown() {
        if (reader != null) {
            reader.stop();
        }
    }

    @Test
    void executorKilledWhileHoldingUncommittedRowsLosesAndDuplicatesNothing() throws Exception {
        try (StandaloneCluster cluster = new StandaloneCluster(spark, dir.resolve("cluster"), 2, 1, null)) {
            Path gate = Files.createDirectories(dir.resolve("gate"));
            Path out = dir.resolve("out");
            long t0 = System.nanoTime();
            Process driver = submit(cluster, "driver", out, gate);
            long held = awaitHeld(gate, driver, cluster);
            assertTrue(cluster.executors().stream().anyMatch(p -> p.pid() == held),
                    "the gated pid " + held + " is an executor JVM a worker launched: " + cluster.executors());
            ProcessHandle executor = ProcessHandle.of(held).orElseThrow();
            executor.destroyForcibly();
            executor.onExit().get(1, TimeUnit.MINUTES);
            Files.writeString(gate.resolve("release"), "");
            assertFinished(driver, cluster);
            assertEquals(reference, captions(out), "captions equal the local run's, each image exactly once");
            report("executor SIGKILL", cluster, "driver", t0);
        }
    }

    @Test
    void workerKilledWithItsExecutorLosesAndDuplicatesNothing() throws Exception {
        try (StandaloneCluster cluster = new StandaloneCluster(spark, dir.resolve("cluster"), 2, 1, null)) {
            Path gate = Files.createDirectories(dir.resolve("gate"));
            Path out = dir.resolve("out");
            long t0 = System.nanoTime();
            Process driver = submit(cluster, "driver", out, gate);
            long held = awaitHeld(gate, driver, cluster);
            int worker = -1;
            for (int i = 0; i < cluster.workers().size(); i++) {
                if (cluster.workers().get(i).descendants().anyMatch(p -> p.pid() == held)) {
                    worker = i;
                }
            }
            assertTrue(worker >= 0, "executor " + held + " belongs to a worker");
            cluster.killWorker(worker);
            Files.writeString(gate.resolve("release"), "");
            assertFinished(driver, cluster);
            assertEquals(reference, captions(out), "captions equal the local run's, each image exactly once");
            report("worker + its executor SIGKILL", cluster, "driver", t0);
        }
    }

    @Test
    void driverKilledMidJobThenResumeCompletesEveryImageOnce() throws Exception {
        try (StandaloneCluster cluster = new StandaloneCluster(spark, dir.resolve("cluster"), 2, 1, null)) {
            Path gate = Files.createDirectories(dir.resolve("gate"));
            Path out = dir.resolve("out");
            Process driver = submit(cluster, "driver", out, gate);
            awaitHeld(gate, driver, cluster);
            driver.destroyForcibly().waitFor();
            assertTrue(Files.isDirectory(out.resolve("captions/_temporary")), "the killed run left its temporary files");
            assertFalse(Files.exists(out.resolve("_SUCCESS")));
            Files.writeString(gate.resolve("release"), ""); // executors of the dead driver may still wait

            long t0 = System.nanoTime();
            Process resumed = submit(cluster, "driver-resume", out, null, "--resume");
            assertFinished(resumed, cluster, "driver-resume");
            assertEquals(reference, captions(out), "captions equal the local run's, each image exactly once");
            report("driver SIGKILL, then --resume", cluster, "driver-resume", t0);
        }
    }

    /**
     * GPU scheduling without a GPU: the workers discover GPUs 0 and 1 through the shipped
     * {@code conf/getGpusResources.sh} (run against a stand-in {@code nvidia-smi} that lists two
     * indices), executors and tasks take one each, and every row records the address its task was
     * given while {@code --backend cpu} still decodes; the executors log it and the metrics row
     * lists the addresses used.
     */
    @Test
    void fakeGpusFromTheDiscoveryScriptReachEveryTaskRowAndExecutorLog() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("fake-bin"));
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\nprintf '0\\n1\\n'\n");
        smi.toFile().setExecutable(true);
        Path script = dir.resolve("discover-gpus.sh");
        Files.writeString(script, "#!/bin/sh\nPATH=" + bin + ":$PATH exec bash "
                + Path.of("..", "conf", "getGpusResources.sh").toAbsolutePath().normalize() + "\n");
        script.toFile().setExecutable(true);
        Path workerConf = dir.resolve("worker.properties");
        Files.writeString(workerConf, "spark.worker.resource.gpu.amount 2\n"
                + "spark.worker.resource.gpu.discoveryScript " + script + "\n");
        try (StandaloneCluster cluster = new StandaloneCluster(spark, dir.resolve("cluster"), 2, 1, workerConf)) {
            Path out = dir.resolve("out");
            Process driver = submit(cluster, "driver", out, null, List.of(
                    "--conf", "spark.executor.resource.gpu.amount=1", "--conf", "spark.task.resource.gpu.amount=1",
                    "--conf", "spark.executor.resource.gpu.discoveryScript=" + script));
            assertFinished(driver, cluster);
            assertEquals(reference, captions(out), "the CPU backend still decodes every image, once");
            List<Row> rows = reader.read().parquet(out.resolve("captions").toString()).select("gpu").collectAsList();
            for (Row r : rows) {
                assertTrue(List.of("0", "1").contains(r.getString(0)), "gpu of a row: " + r.getString(0));
            }
            String gpus = reader.read().parquet(out.resolve("metrics").toString()).first().getAs("gpus");
            assertTrue(List.of("0", "1", "0,1").contains(gpus), "metrics gpus: " + gpus);
            String executorLogs;
            try (Stream<Path> files = Files.walk(dir.resolve("cluster"))) {
                executorLogs = files.filter(f -> f.getFileName().toString().equals("stderr")).map(f -> {
                    try {
                        return Files.readString(f);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).reduce("", String::concat);
            }
            assertTrue(executorLogs.matches("(?s).*Spark GPU [01] assigned to this executor's tasks; backend cpu.*"),
                    "executor logs name the GPU: " + executorLogs.substring(0, Math.min(4000, executorLogs.length())));
            System.out.println("cluster-faults: fake GPUs: rows on GPU addresses "
                    + rows.stream().map(r -> r.getString(0)).distinct().sorted().toList() + ", metrics gpus " + gpus);
        }
    }

    static Process submit(StandaloneCluster cluster, String name, Path out, Path gate, String... extra)
            throws IOException {
        return submit(cluster, name, out, gate, List.of(), extra);
    }

    /**
     * spark-submit as the README has it: the template's settings, sized down for this machine
     * ({@code conf}: more --conf settings, after and so over the defaults).
     */
    static Process submit(StandaloneCluster cluster, String name, Path out, Path gate, List<String> conf,
                          String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--master", cluster.masterUrl(), "--deploy-mode", "client",
                "--properties-file", spark.defaultsTemplate().toString(),
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.executor.memory=512m", "--conf", "spark.executor.cores=1",
                "--conf", "spark.executor.resource.gpu.amount=0", "--conf", "spark.task.resource.gpu.amount=0"));
        args.addAll(conf);
        if (gate != null) {
            args.addAll(List.of("--jars", gateJar.toString(),
                    "--conf", "spark.dvlcap.captionerFactory=" + GatedCaptionerFactory.class.getName(),
                    "--conf", "spark.executorEnv." + GatedCaptionerFactory.DIR_ENV + "=" + gate,
                    "--conf", "spark.executorEnv." + GatedCaptionerFactory.AFTER_ENV + "=" + GATE_AFTER_ROWS));
        }
        args.addAll(List.of("--class", "dvlcap.job.JobCommand", spark.jobJar().toString()));
        args.addAll(jobArgs(out));
        args.addAll(List.of(extra));
        return cluster.start(name, spark.javaCommand("512m", "org.apache.spark.deploy.SparkSubmit"), args);
    }

    static List<String> jobArgs(Path out) {
        return List.of("--input", images.toString(), "--model", model.toString(), "--output", out.toString(),
                "--backend", "cpu", "--max-new-tokens", "8", "--batch-size", "2", "--partitions", "8",
                "--progress-seconds", "5");
    }

    /** Waits until an executor holds rows at the gate; returns its pid. */
    static long awaitHeld(Path gate, Process driver, StandaloneCluster cluster) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(gate)) {
                var held = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("held-")).findFirst();
                if (held.isPresent()) {
                    return Long.parseLong(held.get().substring("held-".length()));
                }
            }
            if (!driver.isAlive()) {
                throw new AssertionError("driver ended before any executor held rows: "
                        + Files.readString(cluster.log("driver")));
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no executor reached the gate: " + Files.readString(cluster.log("driver")));
    }

    static void assertFinished(Process driver, StandaloneCluster cluster) throws Exception {
        assertFinished(driver, cluster, "driver");
    }

    static void assertFinished(Process driver, StandaloneCluster cluster, String name) throws Exception {
        boolean done = driver.waitFor(8, TimeUnit.MINUTES);
        String log = Files.readString(cluster.log(name));
        assertTrue(done, "driver still running: " + log);
        assertEquals(0, driver.exitValue(), log);
        assertTrue(log.contains(IMAGES + " images captioned") || log.contains("images captioned"), log);
    }

    /** One line of figures per fault, on stdout and in target/cluster-faults.txt (docs/RELIABILITY.md). */
    static void report(String fault, StandaloneCluster cluster, String driverLog, long t0) throws IOException {
        String log = Files.readString(cluster.log(driverLog));
        // TaskSchedulerImpl's error line per executor the driver lost (task losses caused by a lost
        // executor are logged below WARN).
        long lostExecutors = log.lines().filter(l -> l.contains("Lost executor")).count();
        String line = String.format(java.util.Locale.ROOT, "%s: %d images, rows lost 0, duplicates 0, captions equal "
                + "local mode; executors lost (driver log) %d; submit-to-exit %.0f s%n", fault, IMAGES, lostExecutors,
                (System.nanoTime() - t0) / 1e9);
        System.out.print("cluster-faults: " + line);
        Files.writeString(Path.of("target/cluster-faults.txt"), line, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** id -> caption of an output, asserting that no id has two rows. */
    static Map<String, String> captions(Path out) {
        Map<String, String> byId = new TreeMap<>();
        for (Row r : reader.read().parquet(out.resolve("captions").toString()).select("id", "caption", "status")
                .collectAsList()) {
            assertEquals("ok", r.getString(2), r.getString(0));
            assertNull(byId.put(r.getString(0), r.getString(1)), "duplicate row for " + r.getString(0));
        }
        return byId;
    }

    static Path writeImages(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(7);
        for (int i = 0; i < IMAGES; i++) {
            BufferedImage img = new BufferedImage(48, 48, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(random.nextInt(0xffffff)));
            g.fillRect(0, 0, 48, 48);
            g.setColor(new Color(random.nextInt(0xffffff)));
            g.fillOval(random.nextInt(24), random.nextInt(24), 8 + random.nextInt(16), 8 + random.nextInt(16));
            g.dispose();
            ImageIO.write(img, "png", dir.resolve(String.format("img-%03d.png", i)).toFile());
        }
        return dir;
    }

    /** The gated captioner's classes, for --jars (executors see only the shaded jar otherwise). */
    static Path gateJar(Path jar) throws IOException {
        Path classes = Path.of(GatedCaptionerFactory.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path pkg = classes.resolve("dvlcap/it/cluster");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.list(pkg)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("GatedCaptionerFactory")).toList()) {
                j.putNextEntry(new JarEntry("dvlcap/it/cluster/" + f.getFileName()));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
        return jar;
    }
}
