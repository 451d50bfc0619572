package dvlcap.it.cluster;

import dvlcap.engine.CaptionProvenance;
import dvlcap.image.VisionInput;
import dvlcap.job.BatchCaptioner;
import dvlcap.job.CaptionOutcome;
import dvlcap.job.CaptionerFactory;
import dvlcap.job.EngineCaptionerFactory;
import dvlcap.job.EngineSpec;
import dvlcap.job.PendingBatch;
import dvlcap.job.PreparedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test captioner for fault injection on a cluster: the real engine, gated. Once this executor JVM
 * has captioned {@value #AFTER_ENV} rows, every batch it finishes waits (holding its captioned,
 * uncommitted rows) until the file {@code release} appears in {@value #DIR_ENV}; while waiting it
 * leaves {@code held-PID} there, so a test knows which executor JVM to kill. Shipped to executors
 * with {@code --jars} and selected with {@code --conf spark.dvlcap.captionerFactory=}.
 */
public final class GatedCaptionerFactory implements CaptionerFactory {

    public static final String DIR_ENV = "DVLCAP_TEST_GATE_DIR";
    public static final String AFTER_ENV = "DVLCAP_TEST_GATE_AFTER_ROWS";

    private static final AtomicLong CAPTIONED = new AtomicLong();

    @Override
    public BatchCaptioner open(Path localModel, EngineSpec spec, String gpu) {
        Path dir = Path.of(require(DIR_ENV));
        long after = Long.parseLong(require(AFTER_ENV));
        return new Gated(new EngineCaptionerFactory().open(localModel, spec, gpu), dir, after);
    }

    private static String require(String name) {
        String v = System.getenv(name);
        if (v == null) {
            throw new IllegalStateException(name + " is not set in the executor's environment "
                    + "(--conf spark.executorEnv." + name + "=...)");
        }
        return v;
    }

    private record Gated(BatchCaptioner engine, Path dir, long after) implements BatchCaptioner {

        @Override
        public VisionInput prepare(byte[] encoded, String name) {
            return engine.prepare(encoded, name);
        }

        @Override
        public VisionInput preprocess(java.awt.image.BufferedImage rgb) {
            return engine.preprocess(rgb);
        }

        @Override
        public PendingBatch submit(List<PreparedImage> images) {
            PendingBatch pending = engine.submit(images);
            return () -> {
                List<CaptionOutcome> results = pending.await();
                if (CAPTIONED.addAndGet(results.size()) >= after) {
                    hold();
                }
                return results;
            };
        }

        private void hold() {
            Path release = dir.resolve("release");
            if (Files.exists(release)) {
                return;
            }
            try {
                Path held = dir.resolve("held-" + ProcessHandle.current().pid());
                if (!Files.exists(held)) {
                    Files.writeString(held, Long.toString(CAPTIONED.get()));
                }
                while (!Files.exists(release)) {
                    Thread.sleep(200);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("gate interrupted", e);
            }
        }

        @Override
        public CaptionProvenance provenance() {
            return engine.provenance();
        }

        @Override
        public void close() {
            engine.close();
        }
    }
}
