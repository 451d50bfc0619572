package dvlcap.trainer.corpus;

/** One shape of a scene. */
public record SceneObject(ShapeKind shape, Colour colour, Size size, Cell cell) {

    public SceneObject {
        if (shape == null || colour == null || size == null || cell == null) {
            throw new IllegalArgumentException("a scene object needs shape, colour, size and cell");
        }
    }

    /** "red circle": the name captions use to refer back to this object. */
    public String name() {
        return colour.word() + " " + shape.word();
    }
}
