package dvlcap.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptionGrammarTest {

    @Test
    void shortCaptionListsColourAndKindInReadingOrder() {
        assertEquals("a red circle and a blue square.", CaptionGrammar.caption(Scenes.twoObjects(), CaptionStyle.SHORT));
        assertEquals("a white cross, a yellow star and a green triangle.",
                CaptionGrammar.caption(Scenes.threeObjects(), CaptionStyle.SHORT));
    }

    @Test
    void orangeTakesAnInShortCaptions() {
        Scene s = Scene.of(Background.GRAY, List.of(
                new SceneObject(ShapeKind.SQUARE, Colour.ORANGE, Size.LARGE, Cell.of(4))));
        assertEquals("an orange square.", CaptionGrammar.caption(s, CaptionStyle.SHORT));
        assertEquals("a large orange square in the center, on a gray background.",
                CaptionGrammar.caption(s, CaptionStyle.DETAILED));
    }

    @Test
    void detailedCaptionStatesSizePositionRelationAndBackground() {
        assertEquals("a large red circle at the top left, a small blue square at the top right, "
                        + "to the right of the red circle, on a gray background.",
                CaptionGrammar.caption(Scenes.twoObjects(), CaptionStyle.DETAILED));
        assertEquals("a small white cross at the top right, a large yellow star in the center, "
                        + "below and to the left of the white cross, a small green triangle at the bottom left, "
                        + "below and to the left of the yellow star, on a dark blue background.",
                CaptionGrammar.caption(Scenes.threeObjects(), CaptionStyle.DETAILED));
    }

    @Test
    void referencesStartWithTheCaptionAndAddDistinctParaphrases() {
        assertEquals(List.of(
                        "a large red circle at the top left, a small blue square at the top right, "
                                + "to the right of the red circle, on a gray background.",
                        "a large red circle in the top left corner, a small blue square in the top right corner, "
                                + "to the right of the red circle. the background is gray.",
                        "a small blue square at the top right, a large red circle at the top left, "
                                + "to the left of the blue square, on a gray background.",
                        "a gray background with a large red circle at the top left, a small blue square "
                                + "at the top right, to the right of the red circle."),
                CaptionGrammar.references(Scenes.twoObjects(), CaptionStyle.DETAILED));
        SceneGenerator g = new SceneGenerator(5);
        for (int i = 0; i < 500; i++) {
            for (CaptionStyle style : CaptionStyle.values()) {
                List<String> refs = CaptionGrammar.references(g.scene(i), style);
                assertEquals(CaptionGrammar.caption(g.scene(i), style), refs.get(0));
                assertEquals(refs.size(), new HashSet<>(refs).size());
                assertTrue(refs.size() >= 3 && refs.size() <= 5, refs.toString());
            }
        }
    }

    @Test
    void vocabularyCoversEveryTokenAndEveryWordIsUsed() {
        Set<String> vocab = new HashSet<>(CaptionGrammar.vocabulary());
        Set<String> used = new HashSet<>();
        SceneGenerator g = new SceneGenerator(9);
        for (int i = 0; i < 2000; i++) {
            for (CaptionStyle style : CaptionStyle.values()) {
                for (String ref : CaptionGrammar.references(g.scene(i), style)) {
                    used.addAll(CaptionGrammar.tokenize(ref));
                }
            }
        }
        assertEquals(vocab, used);
        assertEquals(CaptionGrammar.vocabulary().size(), vocab.size());
    }

    @Test
    void tokenizeSplitsPunctuation() {
        assertEquals(List.of("a", "red", "circle", ",", "a", "blue", "square", "."),
                CaptionGrammar.tokenize("a red circle, a blue square."));
    }

    @Test
    void captionLengthsSpanOneToSixOrMoreBlocksOfEight() {
        int[] shortStats = lengths(CaptionStyle.SHORT);
        int[] detailedStats = lengths(CaptionStyle.DETAILED);
        System.out.printf("caption tokens over 1000 scenes (min/median/max): short %d/%d/%d, detailed %d/%d/%d, vocabulary %d%n",
                shortStats[0], shortStats[1], shortStats[2], detailedStats[0], detailedStats[1], detailedStats[2],
                CaptionGrammar.vocabulary().size());
        assertTrue(shortStats[0] <= 8, "shortest caption fits one block");
        assertTrue(detailedStats[2] > 5 * 8, "longest caption needs six or more blocks");
    }

    /** min, median, max caption length in tokens over scenes 0..999 of seed 0. */
    private static int[] lengths(CaptionStyle style) {
        List<Integer> n = new ArrayList<>();
        SceneGenerator g = new SceneGenerator(0);
        for (int i = 0; i < 1000; i++) {
            n.add(CaptionGrammar.tokenize(CaptionGrammar.caption(g.scene(i), style)).size());
        }
        Collections.sort(n);
        return new int[] {n.get(0), n.get(500), n.get(999)};
    }

    @Test
    void promptsNameTheStyle() {
        assertEquals("Describe this image briefly.", CaptionStyle.SHORT.prompt());
        assertEquals("Describe this image in detail.", CaptionStyle.DETAILED.prompt());
    }
}
