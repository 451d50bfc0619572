package dvlcap.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PtbTokenizerTest {

    @Test
    void lowercasesAndDropsPunctuation() {
        assertEquals(List.of("a", "red", "circle", "and", "a", "blue", "square"),
                PtbTokenizer.tokenize("A Red circle, and a blue square."));
    }

    @Test
    void splitsCliticsLikeThePennTreebank() {
        assertEquals(List.of("the", "dog", "'s", "ball", "is", "n't", "red"),
                PtbTokenizer.tokenize("The dog's ball isn't red!"));
    }

    @Test
    void keepsHyphenatedWordsNumbersAndAbbreviations() {
        assertEquals(List.of("a", "t-shirt", "from", "the", "u.s.", "costs", "1,000", "$"),
                PtbTokenizer.tokenize("a t-shirt (from the u.s.) costs 1,000 $ ..."));
    }

    @Test
    void quotesAndDashesAreRemoved() {
        assertEquals(List.of("he", "said", "hello", "there"),
                PtbTokenizer.tokenize("he said \"hello\" -- 'there'"));
    }

    @Test
    void blankTextHasNoTokens() {
        assertEquals(List.of(), PtbTokenizer.tokenize("  . , "));
    }
}
