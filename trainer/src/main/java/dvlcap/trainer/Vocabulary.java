package dvlcap.trainer;

import dvlcap.trainer.corpus.CaptionGrammar;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The word list of a trained model's word-level tokenizer: {@code <unk>} first, then, sorted, the
 * grammar's words, the words of the chat template's fixed text and of every prompt and caption
 * of the corpus, split as the tokenizer splits (runs of letters and digits; each punctuation mark).
 */
public final class Vocabulary {
    public static final String UNK = "<unk>";
    /** Role names and the template's default system message. */
    private static final String CHAT_TEXT = "system user assistant You are a helpful assistant.";
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+|[^\\p{L}\\p{N}\\s]");

    private Vocabulary() {
    }

    public static List<String> words(List<ManifestLine> lines) {
        TreeSet<String> words = new TreeSet<>();
        for (String w : CaptionGrammar.vocabulary()) {
            split(w, words);
        }
        split(CHAT_TEXT, words);
        for (ManifestLine l : lines) {
            split(l.prompt(), words);
            split(l.caption(), words);
        }
        List<String> out = new ArrayList<>();
        out.add(UNK);
        out.addAll(words);
        return out;
    }

    static void split(String text, TreeSet<String> into) {
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            into.add(m.group());
        }
    }
}
