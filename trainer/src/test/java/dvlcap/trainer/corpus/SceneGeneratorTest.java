package dvlcap.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneGeneratorTest {

    @Test
    void sameSeedAndIndexGiveTheSameSceneInAnyOrder() {
        SceneGenerator a = new SceneGenerator(42);
        SceneGenerator b = new SceneGenerator(42);
        Scene later = b.scene(17);
        for (int i = 0; i < 50; i++) {
            assertEquals(a.scene(i), b.scene(i));
        }
        assertEquals(later, a.scene(17));
    }

    @Test
    void differentSeedsGiveDifferentScenes() {
        int same = 0;
        for (int i = 0; i < 200; i++) {
            same += new SceneGenerator(1).scene(i).equals(new SceneGenerator(2).scene(i)) ? 1 : 0;
        }
        assertTrue(same < 5, "scenes shared between seeds 1 and 2: " + same);
        assertNotEquals(new SceneGenerator(7).scene(0), new SceneGenerator(7).scene(1));
    }

    @Test
    void scenesCoverEveryCountBackgroundKindAndColourAndStayValid() {
        Set<Integer> counts = new HashSet<>();
        Set<Background> backgrounds = EnumSet.noneOf(Background.class);
        Set<ShapeKind> kinds = EnumSet.noneOf(ShapeKind.class);
        Set<Colour> colours = EnumSet.noneOf(Colour.class);
        SceneGenerator g = new SceneGenerator(3);
        for (int i = 0; i < 2000; i++) {
            Scene s = g.scene(i); // the Scene constructor checks cells, names and colours
            counts.add(s.objects().size());
            backgrounds.add(s.background());
            for (SceneObject o : s.objects()) {
                kinds.add(o.shape());
                colours.add(o.colour());
                assertTrue(s.background().allows(o.colour()));
            }
        }
        assertEquals(Set.of(1, 2, 3, 4), counts);
        assertEquals(EnumSet.allOf(Background.class), backgrounds);
        assertEquals(EnumSet.allOf(ShapeKind.class), kinds);
        assertEquals(EnumSet.allOf(Colour.class), colours);
    }

    @Test
    void invalidScenesAreRejected() {
        Cell c = new Cell(Cell.Row.TOP, Cell.Column.LEFT);
        SceneObject red = new SceneObject(ShapeKind.CIRCLE, Colour.RED, Size.SMALL, c);
        assertThrows(IllegalArgumentException.class, () -> Scene.of(Background.GRAY, List.of(red,
                new SceneObject(ShapeKind.SQUARE, Colour.BLUE, Size.SMALL, c))));
        assertThrows(IllegalArgumentException.class, () -> Scene.of(Background.GRAY, List.of(red,
                new SceneObject(ShapeKind.CIRCLE, Colour.RED, Size.LARGE, Cell.of(4)))));
        assertThrows(IllegalArgumentException.class, () -> Scene.of(Background.WHITE, List.of(
                new SceneObject(ShapeKind.CIRCLE, Colour.WHITE, Size.SMALL, c))));
    }

    @Test
    void relationsFollowFromCells() {
        Scene s = Scenes.threeObjects(); // white cross top right, yellow star center, green triangle bottom left
        List<Relation> r = s.relations();
        assertEquals("below and to the left of", r.get(0).phrase());
        assertEquals("below and to the left of", r.get(1).phrase());
        assertEquals("to the right of", Scenes.twoObjects().relations().get(0).phrase());
    }
}
