package dvlcap.job;

import dvlcap.engine.CaptionProvenance;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dvlcap.quality.CaptionMetrics;
import dvlcap.quality.CaptionScores;
import dvlcap.schemas.CaptionsTableSchema;
import dvlcap.schemas.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Computes a run's metrics from the captions rows it committed (so the metrics describe exactly
 * what is in the table), plus quality scores when references are given.
 */
public final class MetricsCalculator {

    private MetricsCalculator() {
    }

    /**
     * @param runRows    the committed captions rows of this run
     * @param references null for no quality scores
     */
    public static RunMetrics compute(Dataset<Row> runRows, String runId, Instant startedAt, double wallSeconds,
                                     CaptionProvenance provenance, JobOptions options,
                                     ReferenceCaptions references) {
        Row agg = runRows.agg(
                sum(when(col(CaptionsTableSchema.STATUS).equalTo(Status.OK.value()), 1).otherwise(0)),
                count(lit(1)),
                sum(col(CaptionsTableSchema.TOKENS)),
                sum(col(CaptionsTableSchema.FORWARD_PASSES)),
                percentile_approx(when(col(CaptionsTableSchema.STATUS).equalTo(Status.OK.value()),
                        col(CaptionsTableSchema.LATENCY_MS)), lit(new double[] {0.5, 0.95}), lit(10000)),
                // tokens and count of the captions that ran verify steps, and the steps
                sum(when(col(CaptionsTableSchema.BLOCKS).gt(0), col(CaptionsTableSchema.TOKENS))),
                sum(when(col(CaptionsTableSchema.BLOCKS).gt(0), 1).otherwise(0)),
                sum(col(CaptionsTableSchema.BLOCKS)),
                sort_array(collect_set(col(CaptionsTableSchema.GPU))))
                .first();
        long ok = agg.isNullAt(0) ? 0 : agg.getLong(0);
        long all = agg.getLong(1);
        long tokens = agg.isNullAt(2) ? 0 : agg.getLong(2);
        long forwards = agg.isNullAt(3) ? 0 : agg.getLong(3);
        List<Double> latency = agg.isNullAt(4) ? List.of() : agg.getList(4);
        double p50 = latency.size() > 0 && latency.get(0) != null ? latency.get(0) : 0;
        double p95 = latency.size() > 1 && latency.get(1) != null ? latency.get(1) : 0;
        double wall = Math.max(wallSeconds, 1e-9);
        long verifyingTokens = agg.isNullAt(5) ? 0 : agg.getLong(5);
        long verifying = agg.isNullAt(6) ? 0 : agg.getLong(6);
        long blocks = agg.isNullAt(7) ? 0 : agg.getLong(7);
        Double perVerify = provenance.tokensPerVerify(verifyingTokens, verifying, blocks);
        List<String> gpuList = agg.isNullAt(8) ? List.of() : agg.getList(8);
        String gpus = gpuList.isEmpty() ? null : String.join(",", gpuList);

        CaptionScores scores = null;
        if (references != null) {
            List<String> hyps = new ArrayList<>();
            List<List<String>> refs = new ArrayList<>();
            List<Row> captions = runRows.filter(col(CaptionsTableSchema.STATUS).equalTo(Status.OK.value()))
                    .select(CaptionsTableSchema.ID, CaptionsTableSchema.SOURCE, CaptionsTableSchema.CAPTION)
                    .collectAsList();
            for (Row r : captions) {
                List<String> rs = references.forImage(r.getString(0), r.getString(1), options.prompt());
                if (!rs.isEmpty()) {
                    hyps.add(r.getString(2));
                    refs.add(rs);
                }
            }
            scores = hyps.isEmpty() ? null : CaptionMetrics.score(hyps, refs);
        }
        return new RunMetrics(runId, startedAt, ok, all - ok, wallSeconds, all / wall, tokens / wall,
                forwards == 0 ? 0 : (double) tokens / forwards, perVerify, p50, p95, scores == null ? 0 : scores.n(),
                scores == null ? null : scores.bleu1(), scores == null ? null : scores.bleu2(),
                scores == null ? null : scores.bleu3(), scores == null ? null : scores.bleu4(),
                scores == null ? null : scores.rougeL(), scores == null ? null : scores.ciderD(), provenance, gpus,
                options);
    }
}
