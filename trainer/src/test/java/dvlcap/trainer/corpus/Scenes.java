package dvlcap.trainer.corpus;

import java.util.List;

/** Hand-made scenes for tests. */
final class Scenes {

    private Scenes() {
    }

    /** Large red circle top left, small blue square top right, gray background. */
    static Scene twoObjects() {
        return Scene.of(Background.GRAY, List.of(
                new SceneObject(ShapeKind.SQUARE, Colour.BLUE, Size.SMALL, new Cell(Cell.Row.TOP, Cell.Column.RIGHT)),
                new SceneObject(ShapeKind.CIRCLE, Colour.RED, Size.LARGE, new Cell(Cell.Row.TOP, Cell.Column.LEFT))));
    }

    /** Three objects in three rows on dark blue. */
    static Scene threeObjects() {
        return Scene.of(Background.DARK_BLUE, List.of(
                new SceneObject(ShapeKind.STAR, Colour.YELLOW, Size.LARGE, new Cell(Cell.Row.MIDDLE, Cell.Column.CENTER)),
                new SceneObject(ShapeKind.CROSS, Colour.WHITE, Size.SMALL, new Cell(Cell.Row.TOP, Cell.Column.RIGHT)),
                new SceneObject(ShapeKind.TRIANGLE, Colour.GREEN, Size.SMALL, new Cell(Cell.Row.BOTTOM, Cell.Column.LEFT))));
    }
}
