package dvlcap.job;

import dvlcap.decode.DecodingSettings;
import dvlcap.engine.CaptionProvenance;
import dvlcap.engine.DvlcapVersion;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelIdentity;
import dvlcap.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test captioner: decodes with the real {@link ImageDecoder} and "captions" an image with its mean
 * colour, asynchronously, so Spark mechanics (retries, resume, bad images, memory) can be tested
 * in seconds without a model. Deterministic: the same image always gives the same caption.
 */
public final class MeanColourCaptionerFactory implements CaptionerFactory {

    /** How many captioners were opened in this JVM. */
    static final AtomicInteger OPENED = new AtomicInteger();

    @Override
    public BatchCaptioner open(Path localModel, EngineSpec spec, String gpu) {
        OPENED.incrementAndGet();
        DecodingSettings d = spec.settings();
        // What a real engine reports: the settings it runs with (here simply the requested ones).
        return new Captioner(new CaptionProvenance(new ModelIdentity(localModel.getFileName().toString(),
                "sha256:mean-colour"), "test-mean-colour", d.decoder().name().toLowerCase(Locale.ROOT),
                d.blockSize(), d.steps(), d.remasking().name().toLowerCase(Locale.ROOT),
                CaptionProvenance.decimal(d.threshold()), d.subBlock(), DvlcapVersion.get()));
    }

    private static final class Captioner implements BatchCaptioner {
        private final ImageDecoder decoder = new ImageDecoder();
        private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "mean-colour-engine");
            t.setDaemon(true);
            return t;
        });
        private final CaptionProvenance provenance;

        Captioner(CaptionProvenance provenance) {
            this.provenance = provenance;
        }

        @Override
        public VisionInput prepare(byte[] encoded, String name) {
            return preprocess(decoder.decode(encoded, name));
        }

        @Override
        public VisionInput preprocess(BufferedImage img) {
            double r = 0, g = 0, b = 0;
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    int rgb = img.getRGB(x, y);
                    r += (rgb >> 16) & 255;
                    g += (rgb >> 8) & 255;
                    b += rgb & 255;
                }
            }
            double n = (double) img.getWidth() * img.getHeight() * 255;
            return VisionInput.tile(new float[] {(float) (r / n), (float) (g / n), (float) (b / n), img.getWidth(),
                img.getHeight()});
        }

        @Override
        public PendingBatch submit(List<PreparedImage> images) {
            List<CompletableFuture<CaptionOutcome>> futures = new ArrayList<>();
            for (PreparedImage p : images) {
                if (p.error() != null) {
                    futures.add(CompletableFuture.completedFuture(CaptionOutcome.failed(p.id(), p.error())));
                    continue;
                }
                long t0 = System.nanoTime();
                futures.add(CompletableFuture.supplyAsync(() -> {
                    float[] px = p.image().pixels();
                    String caption = String.format(Locale.ROOT, "a %dx%d image of mean colour %.2f %.2f %.2f",
                            (int) px[3], (int) px[4], px[0], px[1], px[2]);
                    int tokens = caption.split(" ").length;
                    return new CaptionOutcome(p.id(), caption, null, tokens, 2, 4, 0.1, 0.2, 0.3,
                            (System.nanoTime() - t0) / 1e6);
                }, pool));
            }
            return () -> {
                List<CaptionOutcome> out = new ArrayList<>();
                for (CompletableFuture<CaptionOutcome> f : futures) {
                    out.add(f.join());
                }
                return out;
            };
        }

        @Override
        public CaptionProvenance provenance() {
            return provenance;
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }
}
