package dvlcap.trainer.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads objects back out of a caption, leniently, so that wrong or malformed model output
 * still yields what it does say.
 *
 * <ul>
 *   <li>An object is a mention "[SIZE] COLOUR SHAPE" not preceded by "the" ("the red circle"
 *       refers back to an object already mentioned, inside a relation).</li>
 *   <li>Its cell is the position phrase right after it: "at|in|on the" followed by words from
 *       top, middle, bottom, left, center, right, corner; the row is top or bottom if named,
 *       else middle; the column left or right if named, else center.</li>
 *   <li>The background is "BACKGROUND background" or "the background is BACKGROUND".</li>
 *   <li>Relations are not parsed: the cells already determine them.</li>
 * </ul>
 */
public final class CaptionParser {

    private static final Set<String> POSITION_WORDS =
            Set.of("top", "middle", "bottom", "left", "center", "right", "corner");

    private CaptionParser() {
    }

    public static ParsedCaption parse(String caption) {
        List<String> t = CaptionGrammar.tokenize(caption.toLowerCase(Locale.ROOT));
        List<ParsedObject> objects = new ArrayList<>();
        for (int i = 0; i + 1 < t.size(); i++) {
            Colour colour = Colour.fromWord(t.get(i));
            ShapeKind shape = ShapeKind.fromWord(t.get(i + 1));
            if (colour == null || shape == null) {
                continue;
            }
            Size size = i > 0 ? Size.fromWord(t.get(i - 1)) : null;
            int before = size == null ? i - 1 : i - 2;
            if (before >= 0 && t.get(before).equals("the")) {
                continue;
            }
            objects.add(new ParsedObject(shape, colour, size, position(t, i + 2)));
        }
        return new ParsedCaption(objects, background(t));
    }

    /** The cell named by a position phrase starting at token {@code at}, or null. */
    private static Cell position(List<String> t, int at) {
        if (at + 2 >= t.size() || !Set.of("at", "in", "on").contains(t.get(at)) || !t.get(at + 1).equals("the")) {
            return null;
        }
        Cell.Row row = Cell.Row.MIDDLE;
        Cell.Column column = Cell.Column.CENTER;
        boolean any = false;
        for (int j = at + 2; j < t.size() && POSITION_WORDS.contains(t.get(j)); j++) {
            any = true;
            switch (t.get(j)) {
                case "top" -> row = Cell.Row.TOP;
                case "bottom" -> row = Cell.Row.BOTTOM;
                case "left" -> column = Cell.Column.LEFT;
                case "right" -> column = Cell.Column.RIGHT;
                default -> { } // middle, center, corner name the defaults
            }
        }
        return any ? new Cell(row, column) : null;
    }

    private static Background background(List<String> t) {
        for (int k = 0; k < t.size(); k++) {
            if (!t.get(k).equals("background")) {
                continue;
            }
            if (k + 2 < t.size() && t.get(k + 1).equals("is")) {
                Background b = phraseAt(t, k + 2, k + 4);
                if (b != null) {
                    return b;
                }
            }
            Background b = phraseBefore(t, k);
            if (b != null) {
                return b;
            }
        }
        return null;
    }

    /** The longest background phrase that starts at {@code from} (ending before {@code to}). */
    private static Background phraseAt(List<String> t, int from, int to) {
        for (int end = Math.min(to, t.size()); end > from; end--) {
            Background b = Background.fromPhrase(String.join(" ", t.subList(from, end)));
            if (b != null) {
                return b;
            }
        }
        return null;
    }

    /** The longest background phrase that ends right before {@code k}. */
    private static Background phraseBefore(List<String> t, int k) {
        for (int from = Math.max(0, k - 2); from < k; from++) {
            Background b = Background.fromPhrase(String.join(" ", t.subList(from, k)));
            if (b != null) {
                return b;
            }
        }
        return null;
    }
}
