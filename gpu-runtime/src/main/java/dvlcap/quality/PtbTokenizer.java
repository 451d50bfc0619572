package dvlcap.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Caption tokenization as the COCO caption evaluation does it: a Penn-Treebank-style
 * tokenization of the lower-cased text, then removal of punctuation tokens.
 *
 * <p>This is a small re-implementation of the rules that matter for captions, not the
 * Stanford tokenizer itself: punctuation is split off words, clitics are split off
 * ({@code "dog's" -> "dog 's"}, {@code "don't" -> "do n't"}), hyphenated words and
 * dotted abbreviations ({@code "u.s."}) stay one token, and the punctuation tokens
 * {@code ' " ` . , ? ! : ; - -- ... ( ) [ ] { }} are dropped.
 */
public final class PtbTokenizer {

    /** Tokens the COCO evaluation removes after tokenization (brackets included). */
    private static final Set<String> PUNCTUATION = Set.of(
            "''", "'", "``", "`", "\"", "(", ")", "[", "]", "{", "}",
            ".", "?", "!", ",", ":", "-", "--", "...", ";");

    /** Characters that always stand alone as a token. */
    private static final String SPLIT_CHARS = ",;:?!()[]{}\"`$%&#";

    private static final String[] CLITICS = {"'s", "'re", "'ve", "'ll", "'d", "'m"};

    private PtbTokenizer() {
    }

    /** Tokenizes one caption into lower-case words with punctuation removed. */
    public static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        String lower = text.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        for (String chunk : lower.trim().split("\\s+")) {
            if (!chunk.isEmpty()) {
                splitChunk(chunk, out);
            }
        }
        out.removeIf(PUNCTUATION::contains);
        return out;
    }

    /** Splits one whitespace-free chunk at the characters that always stand alone. */
    private static void splitChunk(String chunk, List<String> out) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < chunk.length(); i++) {
            char c = chunk.charAt(i);
            // A comma between digits belongs to a number ("1,000").
            boolean numericComma = c == ',' && i > 0 && i + 1 < chunk.length()
                    && Character.isDigit(chunk.charAt(i - 1)) && Character.isDigit(chunk.charAt(i + 1));
            if (SPLIT_CHARS.indexOf(c) >= 0 && !numericComma) {
                flushWord(word, out);
                out.add(String.valueOf(c));
            } else {
                word.append(c);
            }
        }
        flushWord(word, out);
    }

    private static void flushWord(StringBuilder word, List<String> out) {
        if (word.length() == 0) {
            return;
        }
        String w = word.toString();
        word.setLength(0);
        splitWord(w, out);
    }

    /** Handles ellipses, dashes, quotes, trailing periods and clitics of one word. */
    private static void splitWord(String w, List<String> out) {
        if (w.contains("...")) {
            int at = w.indexOf("...");
            splitWord(w.substring(0, at), out);
            out.add("...");
            splitWord(w.substring(at + 3), out);
            return;
        }
        if (w.contains("--")) {
            int at = w.indexOf("--");
            splitWord(w.substring(0, at), out);
            out.add("--");
            splitWord(w.substring(at + 2), out);
            return;
        }
        if (w.isEmpty()) {
            return;
        }
        // Leading quotes and dashes open a quotation or an aside: split them off.
        if (w.length() > 1 && (w.charAt(0) == '\'' || w.charAt(0) == '-')) {
            out.add(w.substring(0, 1));
            splitWord(w.substring(1), out);
            return;
        }
        List<String> tail = new ArrayList<>();
        // A final period ends the sentence unless the word is a dotted abbreviation ("u.s.").
        if (w.length() > 1 && w.endsWith(".") && w.indexOf('.') == w.length() - 1) {
            tail.add(0, ".");
            w = w.substring(0, w.length() - 1);
        }
        // A final quote or dash closes a quotation ("dogs'" keeps no possessive meaning here).
        while (w.length() > 1 && (w.endsWith("'") || w.endsWith("-"))) {
            tail.add(0, w.substring(w.length() - 1));
            w = w.substring(0, w.length() - 1);
        }
        if (w.length() > 3 && w.endsWith("n't")) {
            out.add(w.substring(0, w.length() - 3));
            out.add("n't");
        } else {
            String clitic = null;
            for (String c : CLITICS) {
                if (w.length() > c.length() && w.endsWith(c)) {
                    clitic = c;
                    break;
                }
            }
            if (clitic != null) {
                out.add(w.substring(0, w.length() - clitic.length()));
                out.add(clitic);
            } else {
                out.add(w);
            }
        }
        out.addAll(tail);
    }
}
