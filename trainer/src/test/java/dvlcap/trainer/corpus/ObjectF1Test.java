package dvlcap.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectF1Test {

    private static ObjectF1.Score objects(String caption, Scene s, CaptionStyle style) {
        return ObjectF1.objects(CaptionParser.parse(caption).objects(), s, style);
    }

    private static ObjectF1.Score attributes(String caption, Scene s, CaptionStyle style) {
        return ObjectF1.attributes(CaptionParser.parse(caption).objects(), s, style);
    }

    @Test
    void trueCaptionScoresOne() {
        Scene s = Scenes.threeObjects();
        for (CaptionStyle style : CaptionStyle.values()) {
            String c = CaptionGrammar.caption(s, style);
            assertEquals(new ObjectF1.Score(1, 1, 1), objects(c, s, style));
            assertEquals(new ObjectF1.Score(1, 1, 1), attributes(c, s, style));
        }
    }

    @Test
    void oneWrongColourInADetailedCaption() {
        // Truth: large red circle top left, small blue square top right. The caption makes the
        // square green. Objects: 1 of 2 predicted match, 1 of 2 true found -> P = R = F1 = 1/2.
        // Attributes (k = 4): circle pair agrees on 4, square pair on 3 (not colour): 7 correct
        // of 8 stated and 8 true -> P = R = F1 = 7/8.
        Scene s = Scenes.twoObjects();
        String wrong = "a large red circle at the top left, a small green square at the top right, "
                + "to the right of the red circle, on a gray background.";
        assertEquals(new ObjectF1.Score(0.5, 0.5, 0.5), objects(wrong, s, CaptionStyle.DETAILED));
        assertEquals(new ObjectF1.Score(0.875, 0.875, 0.875), attributes(wrong, s, CaptionStyle.DETAILED));
    }

    @Test
    void oneWrongColourInAShortCaptionOfThree() {
        // 2 of 3 match: F1 = 2/3. Attributes (k = 2): 2 + 2 + 1 = 5 of 6 -> 5/6.
        Scene s = Scenes.threeObjects();
        String wrong = "a white cross, a yellow star and a red triangle.";
        assertEquals(2.0 / 3, objects(wrong, s, CaptionStyle.SHORT).f1(), 1e-12);
        assertEquals(5.0 / 6, attributes(wrong, s, CaptionStyle.SHORT).f1(), 1e-12);
    }

    @Test
    void extraAndMissingObjectsMoveOnlyPrecisionOrRecall() {
        Scene s = Scenes.twoObjects();
        // An extra object: P = 2/3, R = 1, F1 = 2 * (2/3) / (5/3) = 4/5.
        ObjectF1.Score extra = objects("a red circle, a blue square and a black star.", s, CaptionStyle.SHORT);
        assertEquals(2.0 / 3, extra.precision(), 1e-12);
        assertEquals(1.0, extra.recall(), 1e-12);
        assertEquals(0.8, extra.f1(), 1e-12);
        // A missing object: P = 1, R = 1/2, F1 = 2/3.
        assertEquals(2.0 / 3, objects("a red circle.", s, CaptionStyle.SHORT).f1(), 1e-12);
        // A repeated object matches once: P = 1/2, R = 1/2.
        assertEquals(0.5, objects("a red circle and a red circle.", s, CaptionStyle.SHORT).f1(), 1e-12);
    }

    @Test
    void detailedObjectWithoutPositionDoesNotMatch() {
        Scene s = Scenes.twoObjects();
        assertEquals(0.0, objects("a large red circle and a small blue square.", s, CaptionStyle.DETAILED).f1());
        // ...but earns its shape, colour and size in the attribute F1: 3 + 3 of 8 -> 3/4.
        assertEquals(0.75, attributes("a large red circle and a small blue square.", s, CaptionStyle.DETAILED).f1(), 1e-12);
    }

    @Test
    void emptyPredictionScoresZero() {
        assertEquals(new ObjectF1.Score(0, 0, 0), ObjectF1.objects(List.of(), Scenes.twoObjects(), CaptionStyle.SHORT));
    }
}
