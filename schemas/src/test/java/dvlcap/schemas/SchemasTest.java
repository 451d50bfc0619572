package dvlcap.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class SchemasTest {

    private static final List<Schema> ALL = List.of(CaptionsTableSchema.SCHEMA, MetricsTableSchema.SCHEMA, SweepTableSchema.SCHEMA, SweepCaptionsTableSchema.SCHEMA);

    @Test
    void fieldNamesAreUniqueWithinEachSchema() {
        for (Schema s : ALL) {
            Set<String> seen = new HashSet<>();
            for (Field f : s.getFields()) {
                assertTrue(seen.add(f.getName()), "duplicate " + f.getName() + " in " + s);
            }
        }
    }

    @Test
    void everySchemaNamesItselfInItsMetadata() {
        assertEquals("captions", CaptionsTableSchema.SCHEMA.getCustomMetadata().get(SchemaNames.NAME_KEY));
        assertEquals("metrics", MetricsTableSchema.SCHEMA.getCustomMetadata().get(SchemaNames.NAME_KEY));
        assertEquals("sweep", SweepTableSchema.SCHEMA.getCustomMetadata().get(SchemaNames.NAME_KEY));
        assertEquals("sweep_captions", SweepCaptionsTableSchema.SCHEMA.getCustomMetadata().get(SchemaNames.NAME_KEY));
    }

    @Test
    void qualityScoresAreNullableAndCountsAreNot() {
        for (String q : List.of(MetricsTableSchema.BLEU4, MetricsTableSchema.ROUGE_L, MetricsTableSchema.CIDER_D)) {
            assertTrue(MetricsTableSchema.SCHEMA.findField(q).isNullable(), q);
        }
        assertFalse(MetricsTableSchema.SCHEMA.findField(MetricsTableSchema.IMAGES_OK).isNullable());
    }

    @Test
    void sweepSettingColumnsHaveTheTypesOfTheMetricsTable() {
        // A sweep row and a job's metrics row can be unioned on their settings and speed columns.
        for (String c : List.of(SweepTableSchema.DECODER, SweepTableSchema.BLOCK_SIZE, SweepTableSchema.STEPS,
                SweepTableSchema.REMASKING, SweepTableSchema.THRESHOLD, SweepTableSchema.SUB_BLOCK,
                SweepTableSchema.BATCH_SIZE, SweepTableSchema.MAX_NEW_TOKENS, SweepTableSchema.MODEL_HASH,
                SweepTableSchema.TOKENS_PER_S, SweepTableSchema.LATENCY_P95_MS, SweepTableSchema.CIDER_D)) {
            assertEquals(MetricsTableSchema.SCHEMA.findField(c).getType(), SweepTableSchema.SCHEMA.findField(c).getType(), c);
        }
        assertTrue(SweepTableSchema.SCHEMA.findField(SweepTableSchema.OBJECT_F1).isNullable());
        assertFalse(SweepTableSchema.SCHEMA.findField(SweepTableSchema.SETTINGS_HASH).isNullable());
    }

    @Test
    void sweepCaptionsJoinTheSweepTableOnTheSettingsHash() {
        assertEquals(SweepTableSchema.SCHEMA.findField(SweepTableSchema.SETTINGS_HASH),
                SweepCaptionsTableSchema.SCHEMA.findField(SweepCaptionsTableSchema.SETTINGS_HASH));
    }

    @Test
    void statusParsesOnlyItsTwoValues() {
        assertEquals(Status.OK, Status.of("ok"));
        assertEquals(Status.ERROR, Status.of("error"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Status.of("OK"));
        assertTrue(e.getMessage().contains("allowed: ok, error"));
    }
}
