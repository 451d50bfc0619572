package dvlcap.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the real Hugging Face tokenizers library on a word-level tokenizer written by our writer. */
class TextTokenizerTest {
    // word i has id i; specials 100..104
    static final List<String> WORDS = List.of("<unk>", "a", "dog", "on", "grass", ",", ".", "it", "'", "s", "red");
    @TempDir
    static Path dir;
    static TextTokenizer tok;

    @BeforeAll
    static void load() {
        new WordLevelTokenizerWriter(WORDS).specials(WordLevelTokenizerWriter.qwenSpecials(100)).write(dir);
        tok = TextTokenizer.load(dir.resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void encodesWordsAndPunctuationWithoutAddingSpecialTokens() {
        assertArrayEquals(new int[] {1, 2, 5, 3, 4, 6}, tok.encode("A dog,  on\tgrass."));
    }

    @Test
    void specialTokensWrittenInTextBecomeTheirIds() {
        assertArrayEquals(new int[] {101, 1, 103, 2, 102}, tok.encode("<|im_start|>a<image>\ndog<|im_end|>"));
    }

    @Test
    void unknownWordsBecomeTheUnknownToken() {
        assertArrayEquals(new int[] {1, 0, 2}, tok.encode("a zebra dog"));
    }

    @Test
    void decodeSkipsSpecialTokensAndJoinsWordsWithSpaces() {
        assertEquals("a dog, on grass.", tok.decode(new int[] {101, 1, 2, 5, 3, 4, 6, 102, 100}));
        // the cleanup works token by token: only the space before . , ? ! goes, an apostrophe stays apart
        assertEquals("it ' s red", tok.decode(new int[] {7, 8, 9, 10}));
    }

    @Test
    void decodeThenEncodeRoundTrips() {
        int[] ids = {10, 2, 5, 1, 2, 3, 4, 6};
        assertArrayEquals(ids, tok.encode(tok.decode(ids)));
    }

    @Test
    void longTextIsNeitherTruncatedNorPadded() {
        String text = String.join(" ", java.util.Collections.nCopies(3000, "dog"));
        int[] ids = tok.encode(text);
        assertEquals(3000, ids.length);
        assertTrue(Arrays.stream(ids).allMatch(i -> i == 2));
        assertEquals(0, tok.encode("").length);
    }

    @Test
    void tokenIdFindsSpecialAndOrdinaryTokens() {
        assertEquals(OptionalInt.of(102), tok.tokenId("<|im_end|>"));
        assertEquals(OptionalInt.of(104), tok.tokenId("<|mask|>"));
        assertEquals(OptionalInt.of(2), tok.tokenId("dog"));
        assertEquals(OptionalInt.empty(), tok.tokenId("zebra"));
    }

    @Test
    void missingOrBrokenFileIsAnErrorNamingIt(@TempDir Path other) throws Exception {
        Path missing = other.resolve("nope.json");
        ModelFileException e = assertThrows(ModelFileException.class, () -> TextTokenizer.load(missing));
        assertTrue(e.getMessage().contains("nope.json"), e.getMessage());
        Path broken = other.resolve("broken.json");
        Files.writeString(broken, "{\"model\": {\"type\": \"NoSuchModel\"}}");
        e = assertThrows(ModelFileException.class, () -> TextTokenizer.load(broken));
        assertTrue(e.getMessage().contains("broken.json"), e.getMessage());
        Path notJson = other.resolve("garbage.json");
        Files.writeString(notJson, "{oops");
        e = assertThrows(ModelFileException.class, () -> TextTokenizer.load(notJson));
        assertTrue(e.getMessage().contains("garbage.json"), e.getMessage());
    }

    @Test
    void closedTokenizerRefusesWork() {
        TextTokenizer t = TextTokenizer.load(dir.resolve("tokenizer.json"));
        t.close();
        t.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> t.encode("a"));
    }

    @Test
    void writerRejectsVocabularyErrors() {
        assertThrows(IllegalArgumentException.class, () -> new WordLevelTokenizerWriter(List.of("a", "b")).write(dir));
        assertThrows(IllegalArgumentException.class,
                () -> new WordLevelTokenizerWriter(List.of("<unk>", "a b")).write(dir));
        assertThrows(IllegalArgumentException.class,
                () -> new WordLevelTokenizerWriter(List.of("<unk>", "a")).special("<|im_end|>", 1).write(dir));
    }
}
