package dvlcap.sweep;

import dvlcap.decode.DecoderKind;
import dvlcap.decode.RemaskingKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GridFileTest {

    private static List<SweepSetting> parse(String text) {
        return GridFile.parse(text, "g.yaml").settings();
    }

    @Test
    void anItemIsTheCrossProductOfItsValuesWithTopLevelDefaults() {
        List<SweepSetting> s = parse("""
                # comment
                batch_size: 4   # a default
                max_new_tokens: 32
                grid:
                  - decoder: block
                    block_size: [4, 8]
                    threshold: [0.7, 0.9]
                  - decoder: ar
                    batch_size: 1
                """);
        assertEquals(List.of(
                new SweepSetting(DecoderKind.BLOCK, 4, 0, RemaskingKind.DYNAMIC, 0.7f, 0, 4, 32),
                new SweepSetting(DecoderKind.BLOCK, 4, 0, RemaskingKind.DYNAMIC, 0.9f, 0, 4, 32),
                new SweepSetting(DecoderKind.BLOCK, 8, 0, RemaskingKind.DYNAMIC, 0.7f, 0, 4, 32),
                new SweepSetting(DecoderKind.BLOCK, 8, 0, RemaskingKind.DYNAMIC, 0.9f, 0, 4, 32),
                new SweepSetting(DecoderKind.AR, 0, 0, RemaskingKind.DYNAMIC, 0.85f, 0, 1, 32)), s);
    }

    @Test
    void settingsThatMeanTheSameRunAreOneSetting() {
        // AR ignores block and threshold; static remasking ignores the threshold.
        List<SweepSetting> s = parse("""
                grid:
                  - decoder: ar
                    block_size: [4, 8]
                  - decoder: block
                    remasking: static
                    threshold: [0.5, 0.9]
                """);
        assertEquals(2, s.size(), s.toString());
        assertEquals("ar x16", s.get(0).label());
        assertEquals("static x16", s.get(1).label());
    }

    @Test
    void labelsNameEveryFieldThatMatters() {
        List<SweepSetting> s = parse("""
                grid:
                  - block_size: 8
                    steps: 4
                    threshold: 0.9
                  - sub_block: 4
                    block_size: 8
                    threshold: 0.9
                    max_new_tokens: 40
                """);
        assertEquals("dynamic b8 s4 t0.9 x16", s.get(0).label());
        assertEquals("sub-block 4 b8 t0.9 x16 n40", s.get(1).label());
        assertEquals(4, s.get(1).decodingSettings().subBlock());
        assertEquals(0.9f, s.get(1).decodingSettings().threshold());
    }

    @Test
    void anUnknownKeyIsAnErrorNamingTheLineAndTheAllowedKeys() {
        GridFile.GridException e = assertThrows(GridFile.GridException.class, () -> parse("""
                grid:
                  - decoder: block
                    blocksize: 8
                """));
        assertTrue(e.getMessage().startsWith("g.yaml:3: unknown key 'blocksize'"), e.getMessage());
        assertTrue(e.getMessage().contains("block_size"), e.getMessage());
    }

    @Test
    void badValuesAreErrorsNamingTheLineAndWhatIsAllowed() {
        assertError("grid:\n  - decoder: diffusion\n", "g.yaml:2: decoder must be one of ar, block, speculative, got 'diffusion'");
        assertError("grid:\n  - threshold: high\n", "g.yaml:2: threshold must be a number in [0, 1], got 'high'");
        assertError("grid:\n  - threshold: [0.5, 1.5]\n", "g.yaml:2: threshold must be a number in [0, 1], got '1.5'");
        assertError("batch_size: 0\ngrid:\n  - decoder: ar\n", "g.yaml:1: batch_size must be an integer >= 1, got '0'");
        assertError("grid:\n  - remasking: greedy\n", "g.yaml:2: remasking must be one of static, dynamic, got 'greedy'");
        assertError("grid:\n  - block_size: [4, 8\n", "g.yaml:2: a list must close on the same line");
        assertError("grid:\n  - decoder: ar\n      steps: 2\n", "g.yaml:3: a key of a grid item must line up");
        assertError("decoder: ar\n", "g.yaml: no settings");
    }

    private static void assertError(String text, String start) {
        GridFile.GridException e = assertThrows(GridFile.GridException.class, () -> parse(text));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void theShippedGridsParse() throws Exception {
        SweepGrid dflt = GridFile.read(Path.of("..", "conf", "sweeps", "default.yaml"));
        assertTrue(dflt.settings().size() >= 8 && dflt.settings().size() <= 12, dflt.settings().toString());
        assertTrue(dflt.settings().stream().map(SweepSetting::decoder).distinct().count() == 3);
        assertEquals(3, GridFile.read(Path.of("..", "conf", "sweeps", "tiny.yaml")).settings().size());
    }
}
