package dvlcap.trainer.corpus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Captions of scenes from a small grammar. Everything is lower case; word-level tokens are
 * the words plus "." and "," ({@link #tokenize}).
 *
 * <p>Short: the objects in reading order (top row first, left to right), as
 * "a COLOUR SHAPE" ("an" before "orange"), joined by ", " and a final " and ", ended by ".":
 * {@code "a red circle, a blue square and a green star."}
 *
 * <p>Detailed: per object in reading order "a SIZE COLOUR SHAPE POSITION", from the second
 * object on followed by ", RELATION the COLOUR SHAPE" naming where it lies relative to the
 * object before it; clauses joined by ", " and ended by ", on a BACKGROUND background.":
 * {@code "a large red circle at the top left, a small blue square at the top right, to the
 * right of the red circle, on a gray background."}
 *
 * <p>The canonical caption is the training target; {@link #references} adds paraphrases
 * (another position wording, the reverse order with the inverse relations, the background
 * first or last) for multi-reference metrics.
 */
public final class CaptionGrammar {

    public static final String PROMPT_SHORT = "Describe this image briefly.";
    public static final String PROMPT_DETAILED = "Describe this image in detail.";

    private static final List<String> FUNCTION_WORDS = List.of(
            "a", "an", "the", "and", "of", "to", "at", "in", "on", "is", "with", "picture", "background",
            "above", "below", "left", "right", "top", "bottom", "middle", "center", "corner",
            ".", ",");

    /** How cells are worded: the canonical wording or the "corner" paraphrase. */
    private enum Positions { CANONICAL, CORNERS }

    private CaptionGrammar() {
    }

    /** The canonical caption: the training target. */
    public static String caption(Scene scene, CaptionStyle style) {
        return references(scene, style).get(0);
    }

    /**
     * The canonical caption followed by 2 or 3 distinct paraphrases, all stating the same
     * facts the style states, all parseable by {@link CaptionParser}.
     */
    public static List<String> references(Scene scene, CaptionStyle style) {
        List<SceneObject> order = scene.objects();
        List<SceneObject> reversed = new ArrayList<>(order);
        java.util.Collections.reverse(reversed);
        String bg = scene.background().phrase();
        Set<String> out = new LinkedHashSet<>();
        if (style == CaptionStyle.SHORT) {
            out.add(shortList(order) + ".");
            out.add("a picture of " + shortList(order) + ".");
            out.add(shortList(reversed) + ".");
            out.add(shortList(order) + " on a " + bg + " background.");
        } else {
            out.add(detailedClauses(order, Positions.CANONICAL) + ", on a " + bg + " background.");
            out.add(detailedClauses(order, Positions.CORNERS) + ". the background is " + bg + ".");
            out.add(detailedClauses(reversed, Positions.CANONICAL) + ", on a " + bg + " background.");
            out.add("a " + bg + " background with " + detailedClauses(order, Positions.CANONICAL) + ".");
        }
        return List.copyOf(out);
    }

    /** "a red circle, a blue square and a green star". */
    private static String shortList(List<SceneObject> objects) {
        List<String> parts = new ArrayList<>();
        for (SceneObject o : objects) {
            parts.add(article(o.name()) + " " + o.name());
        }
        return joinWithAnd(parts);
    }

    /** "an" before a vowel ("an orange square"), else "a". */
    private static String article(String next) {
        return "aeiou".indexOf(next.charAt(0)) >= 0 ? "an" : "a";
    }

    private static String joinWithAnd(List<String> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }

    /** The object clauses of a detailed caption, each relating to the one listed before it. */
    private static String detailedClauses(List<SceneObject> objects, Positions positions) {
        List<String> clauses = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            SceneObject o = objects.get(i);
            StringBuilder c = new StringBuilder("a ").append(o.size().word()).append(' ').append(o.name())
                    .append(' ').append(position(o.cell(), positions));
            if (i > 0) {
                SceneObject prev = objects.get(i - 1);
                c.append(", ").append(Relation.between(i, o, i - 1, prev).phrase())
                        .append(" the ").append(prev.name());
            }
            clauses.add(c.toString());
        }
        return String.join(", ", clauses);
    }

    /** "at the top left", "on the left", "in the center", ... or the corner paraphrase. */
    private static String position(Cell cell, Positions positions) {
        String row = cell.row().word();
        String col = cell.column().word();
        boolean middleRow = cell.row() == Cell.Row.MIDDLE;
        boolean centerCol = cell.column() == Cell.Column.CENTER;
        if (positions == Positions.CANONICAL) {
            if (middleRow) {
                return centerCol ? "in the center" : "on the " + col;
            }
            return centerCol ? "at the " + row : "at the " + row + " " + col;
        }
        if (middleRow) {
            return centerCol ? "in the middle" : "in the middle " + col;
        }
        return centerCol ? "in the " + row + " center" : "in the " + row + " " + col + " corner";
    }

    /** Word-level tokens: whitespace-separated words, with "." and "," as tokens of their own. */
    public static List<String> tokenize(String caption) {
        List<String> tokens = new ArrayList<>();
        for (String t : caption.replace(".", " . ").replace(",", " , ").trim().split("\\s+")) {
            if (!t.isEmpty()) {
                tokens.add(t);
            }
        }
        return tokens;
    }

    /** Every token any caption or reference can contain, sorted. */
    public static List<String> vocabulary() {
        Set<String> words = new TreeSet<>(FUNCTION_WORDS);
        for (ShapeKind k : ShapeKind.values()) {
            words.add(k.word());
        }
        for (Colour c : Colour.values()) {
            words.add(c.word());
        }
        for (Size s : Size.values()) {
            words.add(s.word());
        }
        for (Background b : Background.values()) {
            words.addAll(b.words());
        }
        return List.copyOf(words);
    }
}
