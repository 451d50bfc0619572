package dvlcap.job;

import dvlcap.engine.CaptionProvenance;
import dvlcap.schemas.CaptionsTableSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/** Turns a batch's outcomes into rows of the captions table, in {@link CaptionsTableSchema} column order. */
public final class CaptionRows {

    public static final StructType SCHEMA = SparkSchemas.toSpark(CaptionsTableSchema.SCHEMA);

    private CaptionRows() {
    }

    /**
     * @param sources the source column of each result row, in order
     * @throws IllegalStateException if there is not one outcome per source, or their ids differ from
     *         {@code ids} (an engine that reorders results would mislabel captions)
     */
    public static List<Row> of(List<CaptionOutcome> outcomes, List<String> ids, List<String> sources,
                               CaptionProvenance p, String gpu, String runId) {
        if (outcomes.size() != ids.size()) {
            throw new IllegalStateException("engine returned " + outcomes.size() + " results for " + ids.size()
                    + " images");
        }
        List<Row> rows = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            CaptionOutcome o = outcomes.get(i);
            if (!o.id().equals(ids.get(i))) {
                throw new IllegalStateException("result " + i + " is for " + o.id() + ", expected " + ids.get(i));
            }
            double perForward = o.forwardPasses() == 0 ? 0 : (double) o.tokens() / o.forwardPasses();
            rows.add(RowFactory.create(o.id(), sources.get(i), o.caption(), o.status().value(), o.error(),
                    o.tokens(), o.blocks(), o.forwardPasses(), perForward,
                    p.tokensPerVerify(o.tokens(), 1, o.blocks()), o.visionMs(), o.prefillMs(),
                    o.decodeMs(), o.latencyMs(), p.model().name(), p.model().hash(), p.dvlcapVersion(), p.backend(),
                    gpu, p.decoder(), p.blockSize(), p.steps(), p.subBlock(), p.remasking(), p.threshold(), runId));
        }
        return rows;
    }
}
