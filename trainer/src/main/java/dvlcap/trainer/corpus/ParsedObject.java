package dvlcap.trainer.corpus;

/**
 * An object a caption mentions. {@code size} and {@code cell} are null where the caption does
 * not state them (short captions never do).
 */
public record ParsedObject(ShapeKind shape, Colour colour, Size size, Cell cell) {

    public ParsedObject {
        if (shape == null || colour == null) {
            throw new IllegalArgumentException("a parsed object has at least a shape and a colour");
        }
    }

    /** What a caption of the given style states about a true scene object. */
    public static ParsedObject of(SceneObject o, CaptionStyle style) {
        return style == CaptionStyle.SHORT
                ? new ParsedObject(o.shape(), o.colour(), null, null)
                : new ParsedObject(o.shape(), o.colour(), o.size(), o.cell());
    }
}
