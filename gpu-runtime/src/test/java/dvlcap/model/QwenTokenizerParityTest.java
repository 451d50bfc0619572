package dvlcap.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's tokenizer on a Qwen2-style byte-level BPE {@code tokenizer.json} (NFC, Qwen2's split regex,
 * ByteLevel, learned merges, Qwen2.5's special tokens after the BPE vocabulary), against the ids and decodes
 * of transformers' own Qwen2 tokenizer on awkward strings (parity/fx_tokenizer.py).
 */
class QwenTokenizerParityTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Path dir;
    static JsonNode fixtures;
    static TextTokenizer tok;

    @BeforeAll
    static void load() throws Exception {
        dir = fixtureDir();
        fixtures = JSON.readTree(dir.resolve("fixtures.json").toFile());
        tok = TextTokenizer.load(dir.resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    /** gpu-runtime/src/test/resources/parity/tokenizer, written by parity/fx_tokenizer.py. */
    static Path fixtureDir() throws URISyntaxException {
        return Path.of(QwenTokenizerParityTest.class.getResource("/parity/tokenizer/fixtures.json").toURI()).getParent();
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    @Test
    void everyAwkwardStringEncodesToTheIdsTransformersGives() {
        List<String> wrong = new ArrayList<>();
        int n = 0;
        for (JsonNode e : fixtures.get("encodings")) {
            String text = e.get("text").asText();
            int[] expected = ints(e.get("ids"));
            int[] got = tok.encode(text);
            if (!java.util.Arrays.equals(expected, got)) {
                wrong.add(JSON.valueToTree(text) + ": expected " + java.util.Arrays.toString(expected) + " got "
                        + java.util.Arrays.toString(got));
            }
            n++;
        }
        assertTrue(n >= 60, "the fixture covers many strings, got " + n);
        assertEquals(List.of(), wrong);
    }

    @Test
    void decodesLikeTransformersWithAndWithoutSpecialTokens() {
        for (JsonNode e : fixtures.get("encodings")) {
            int[] ids = ints(e.get("ids"));
            String what = e.get("text").toString();
            assertEquals(e.get("decoded").asText(), tok.decode(ids, false), what);
            assertEquals(e.get("decoded_skip_special").asText(), tok.decode(ids, true), what);
        }
    }

    @Test
    void decodingTheIdsGivesBackTheNfcNormalisedText() {
        // byte-level BPE loses nothing but what the NFC normalizer changes: an oracle independent of Python
        for (JsonNode e : fixtures.get("encodings")) {
            String text = e.get("text").asText();
            assertEquals(Normalizer.normalize(text, Normalizer.Form.NFC), tok.decode(tok.encode(text), false),
                    e.get("text").toString());
        }
        assertArrayEquals(tok.encode("caf\u00e9"), tok.encode("cafe\u0301"), "composed and decomposed é agree");
    }

    @Test
    void specialTokensFollowTheBpeVocabularyInQwenOrderAndAreSingleIds() {
        int bpe = fixtures.get("bpe_vocab_size").asInt();
        int i = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = fixtures.get("special_token_ids").fields(); it.hasNext(); i++) {
            Map.Entry<String, JsonNode> s = it.next();
            assertEquals(bpe + i, s.getValue().asInt(), s.getKey());
            assertEquals(OptionalInt.of(bpe + i), tok.tokenId(s.getKey()), s.getKey());
            assertArrayEquals(new int[] {bpe + i}, tok.encode(s.getKey()), s.getKey());
        }
        assertEquals(OptionalInt.empty(), tok.tokenId("<image>"), "<image> is not a Qwen token");
        assertTrue(tok.encode("<image>").length > 1);
    }
}
