package dvlcap.it.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone master and workers, each its own JVM on 127.0.0.1 with its own work directory
 * and log under {@code dir}; workers launch executors as their own JVMs. {@link #close()} kills every
 * process it started and their descendants (executors, drivers), so none outlives a test; a shutdown
 * hook does the same if the test JVM ends first.
 */
public final class StandaloneCluster implements AutoCloseable {

    private static final Pattern ALIVE = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

    private final SparkHome spark;
    private final Path dir;
    private final int port;
    private final int uiPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    private final List<Process> others = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "standalone-cluster-kill");

    /**
     * @param workerProperties a properties file each worker reads (its resources), or null
     */
    public StandaloneCluster(SparkHome spark, Path dir, int workerCount, int coresPerWorker, Path workerProperties)
            throws IOException, InterruptedException {
        this.spark = spark;
        this.dir = Files.createDirectories(dir);
        this.port = freePort();
        this.uiPort = freePort();
        Runtime.getRuntime().addShutdownHook(hook);
        master = start("master", spark.javaCommand("256m", "org.apache.spark.deploy.master.Master"),
                List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(uiPort)));
        for (int i = 0; i < workerCount; i++) {
            Path work = Files.createDirectories(dir.resolve("worker-" + i));
            List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0",
                    "--cores", Integer.toString(coresPerWorker), "--memory", "1g", "--work-dir", work.toString()));
            if (workerProperties != null) {
                args.addAll(List.of("--properties-file", workerProperties.toString()));
            }
            args.add(masterUrl());
            workers.add(start("worker-" + i, spark.javaCommand("256m", "org.apache.spark.deploy.worker.Worker"), args));
        }
        awaitWorkers(workerCount, Duration.ofMinutes(4));
    }

    public String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    public List<Process> workers() {
        return workers;
    }

    /** Executor JVMs (CoarseGrainedExecutorBackend) the workers have launched and that are alive. */
    public List<ProcessHandle> executors() {
        List<ProcessHandle> out = new ArrayList<>();
        for (Process w : workers) {
            w.descendants().filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                    .forEach(out::add);
        }
        return out;
    }

    /** Starts a process of the test (a driver) that {@link #close()} kills too; output to {@code name}.log. */
    public Process start(String name, List<String> command, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(args);
        ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
        Map<String, String> env = b.environment();
        spark.environment(env);
        Process p = b.start();
        synchronized (others) {
            others.add(p);
        }
        return p;
    }

    public Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /** SIGKILLs a worker and the executors it launched: a lost node. */
    public void killWorker(int i) throws InterruptedException {
        Process w = workers.get(i);
        List<ProcessHandle> children = w.descendants().toList();
        w.destroyForcibly().waitFor();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private void awaitWorkers(int n, Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) {
                throw new IllegalStateException("master exited: " + Files.readString(log("master")));
            }
            try {
                last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/json/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = ALIVE.matcher(last);
                if (m.find() && Integer.parseInt(m.group(1)) >= n) {
                    return;
                }
            } catch (IOException notYet) {
                // the master's UI is not up yet
            }
            Thread.sleep(1000);
        }
        close();
        throw new IllegalStateException(n + " workers did not register in " + timeout + "; master says " + last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void killAll() {
        List<Process> all;
        synchronized (others) {
            all = new ArrayList<>(others);
        }
        for (Process p : all) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : all) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running already
        }
    }
}
