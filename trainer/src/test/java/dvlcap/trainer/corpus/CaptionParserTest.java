package dvlcap.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptionParserTest {

    @Test
    void everyReferenceParsesBackToTheSceneForManySeeds() {
        for (long seed = 0; seed < 4; seed++) {
            SceneGenerator g = new SceneGenerator(seed);
            for (int i = 0; i < 500; i++) {
                Scene s = g.scene(i);
                for (CaptionStyle style : CaptionStyle.values()) {
                    var expected = new HashSet<>(s.objects().stream().map(o -> ParsedObject.of(o, style)).toList());
                    for (String ref : CaptionGrammar.references(s, style)) {
                        ParsedCaption p = CaptionParser.parse(ref);
                        assertEquals(expected, new HashSet<>(p.objects()), ref);
                        assertEquals(s.objects().size(), p.objects().size(), ref);
                        if (style == CaptionStyle.DETAILED) {
                            assertEquals(s.background(), p.background(), ref);
                        }
                    }
                }
            }
        }
    }

    @Test
    void canonicalShortCaptionStatesNoBackground() {
        assertNull(CaptionParser.parse("a red circle and a blue square.").background());
    }

    @Test
    void referencesBackInRelationsAreNotNewObjects() {
        ParsedCaption p = CaptionParser.parse("a small blue square at the top right, "
                + "to the right of the red circle, on a white background.");
        assertEquals(List.of(new ParsedObject(ShapeKind.SQUARE, Colour.BLUE, Size.SMALL,
                new Cell(Cell.Row.TOP, Cell.Column.RIGHT))), p.objects());
        assertEquals(Background.WHITE, p.background());
    }

    @Test
    void malformedOutputYieldsWhatItDoesSay() {
        ParsedCaption p = CaptionParser.parse("a large red red circle at the , green star in the middle left.");
        assertEquals(List.of(
                new ParsedObject(ShapeKind.CIRCLE, Colour.RED, null, null),
                new ParsedObject(ShapeKind.STAR, Colour.GREEN, null, new Cell(Cell.Row.MIDDLE, Cell.Column.LEFT))),
                p.objects());
        assertNull(p.background());
    }

    @Test
    void backgroundIsPhraseStatesDarkBlue() {
        assertEquals(Background.DARK_BLUE, CaptionParser.parse("a red circle. the background is dark blue.").background());
        assertEquals(Background.DARK_BLUE, CaptionParser.parse("a dark blue background with a red circle.").background());
    }
}
