package dvlcap.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CaptionMetricsTest {

    @Test
    void identicalCaptionsScorePerfectBleuAndRouge() {
        CaptionScores s = CaptionMetrics.score(
                List.of("A red circle and a blue square.", "Two green stars on the left."),
                List.of(List.of("a red circle and a blue square"), List.of("two green stars on the left")));
        assertEquals(1.0, s.bleu1(), 1e-6);
        assertEquals(1.0, s.bleu4(), 1e-6);
        assertEquals(1.0, s.rougeL(), 1e-12);
        // Every n-gram is unique to its image and both captions have >= 4 tokens: CIDEr-D 10.
        assertEquals(10.0, s.ciderD(), 1e-9);
        assertEquals(2, s.n());
    }

    @Test
    void tokenizationIgnoresCaseAndPunctuation() {
        CaptionScores raw = CaptionMetrics.score(List.of("THE cat, sat."), List.of(List.of("the cat sat")));
        assertEquals(1.0, raw.bleu1(), 1e-6);
        assertEquals(1.0, raw.rougeL(), 1e-12);
    }

    @Test
    void clippedUnigramPrecisionThroughThePublicApi() {
        // "the the the the" vs "the cat": p1 = 1/4, c = 4 > r = 2 so BP = 1.
        assertEquals(0.25, CaptionMetrics.score(List.of("the the the the"),
                List.of(List.of("the cat"))).bleu1(), 1e-9);
    }

    @Test
    void emptyCorpusScoresZero() {
        assertEquals(CaptionScores.empty(), CaptionMetrics.score(List.of(), List.of()));
    }

    @Test
    void mismatchedOrMissingReferencesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> CaptionMetrics.score(List.of("a"), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> CaptionMetrics.score(List.of("a"), List.of(List.of())));
    }
}
