package dvlcap.job;

import dvlcap.engine.CaptionProvenance;
import dvlcap.schemas.MetricsTableSchema;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * One row of the metrics table. Quality scores are null when there were no references.
 */
public record RunMetrics(String runId, Instant startedAt, long imagesOk, long imagesFailed, double wallSeconds,
                         double imagesPerSecond, double tokensPerSecond, double tokensPerForward,
                         Double tokensPerVerify, double latencyP50Ms, double latencyP95Ms, long scored, Double bleu1, Double bleu2,
                         Double bleu3, Double bleu4, Double rougeL, Double ciderD, CaptionProvenance provenance, String gpus,
                         JobOptions options) {

    public static final StructType SCHEMA = SparkSchemas.toSpark(MetricsTableSchema.SCHEMA);

    /** The row, in {@link MetricsTableSchema} column order. */
    public Row toRow() {
        JobOptions o = options;
        CaptionProvenance p = provenance;
        return RowFactory.create(runId, Timestamp.from(startedAt), imagesOk, imagesFailed, wallSeconds,
                imagesPerSecond, tokensPerSecond, tokensPerForward, tokensPerVerify, latencyP50Ms, latencyP95Ms, scored, bleu1, bleu2,
                bleu3, bleu4, rougeL, ciderD, p.model().name(), p.model().hash(), p.dvlcapVersion(), p.decoder(),
                p.blockSize(), p.steps(), p.subBlock(), p.remasking(), p.threshold(), o.decodingSettings().maxNewTokens(), o.batchSize(),
                o.decodingSettings().seed(), p.backend(), gpus, o.prompt(), o.input());
    }

    /** A few lines for the console at the end of a run. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "run %s: %d images captioned, %d failed, in %.1f s%n", runId, imagesOk,
                imagesFailed, wallSeconds));
        sb.append(String.format(Locale.ROOT, "  %.2f images/s, %.1f tokens/s, %.2f tokens/forward, "
                + "latency p50 %.0f ms, p95 %.0f ms%n", imagesPerSecond, tokensPerSecond, tokensPerForward,
                latencyP50Ms, latencyP95Ms));
        if (tokensPerVerify != null) {
            sb.append(String.format(Locale.ROOT, "  %.2f tokens accepted per verify step (speculative)%n",
                    tokensPerVerify));
        }
        if (bleu4 != null) {
            sb.append(String.format(Locale.ROOT, "  quality over %d images: BLEU-4 %.4f, ROUGE-L %.4f, CIDEr-D %.4f%n",
                    scored, bleu4, rougeL, ciderD));
        }
        return sb.toString();
    }
}
