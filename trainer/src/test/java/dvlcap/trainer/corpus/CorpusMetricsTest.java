package dvlcap.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.quality.CaptionMetrics;
import dvlcap.quality.CaptionScores;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metrics behave sensibly on the corpus's own references. */
class CorpusMetricsTest {

    @Test
    void canonicalCaptionsBeatCaptionsOfOtherScenes() {
        SceneGenerator g = new SceneGenerator(13);
        List<String> canonical = new ArrayList<>();
        List<String> shifted = new ArrayList<>();
        List<List<String>> refs = new ArrayList<>();
        int n = 200;
        for (int i = 0; i < n; i++) {
            canonical.add(CaptionGrammar.caption(g.scene(i), CaptionStyle.DETAILED));
            shifted.add(CaptionGrammar.caption(g.scene((i + 1) % n), CaptionStyle.DETAILED));
            refs.add(CaptionGrammar.references(g.scene(i), CaptionStyle.DETAILED));
        }
        CaptionScores good = CaptionMetrics.score(canonical, refs);
        CaptionScores bad = CaptionMetrics.score(shifted, refs);
        // The canonical caption is one of the references: every n-gram matches, ROUGE-L is 1.
        assertEquals(1.0, good.bleu4(), 1e-6);
        assertEquals(1.0, good.rougeL(), 1e-12);
        assertTrue(good.ciderD() > 2 * bad.ciderD(), good + " vs " + bad);
        assertTrue(good.bleu4() > bad.bleu4() && good.rougeL() > bad.rougeL(), good + " vs " + bad);
    }
}
