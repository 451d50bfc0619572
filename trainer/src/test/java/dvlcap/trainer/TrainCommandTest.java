package dvlcap.trainer;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line: help tells every option, bad values say what is allowed. */
class TrainCommandTest {

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = TrainCommand.run(args, new PrintStream(out), new PrintStream(err));
        return new String[]{Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void helpListsEveryOption() {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        for (String flag : TrainOptions.FLAGS) {
            assertTrue(r[1].contains(flag), flag);
        }
    }

    @Test
    void badValuesSayWhatIsAllowed() {
        String[] base = {"--corpus", "c", "--out", "o"};
        assertTrue(run(concat(base, "--stage", "xyz"))[2].contains("--stage must be one of ar, bd3, fast"));
        assertTrue(run(concat(base, "--stage", "bd3", "--block-size", "0"))[2].contains("--block-size must be"));
        assertTrue(run(concat(base, "--stage", "ar", "--batch", "0"))[2].contains("--batch must be an integer from 1"));
        assertTrue(run(concat(base, "--stage", "ar", "--lr", "abc"))[2].contains("--lr must be a number"));
        assertTrue(run(concat(base, "--stage", "ar", "--shape", "huge"))[2].contains("default or micro"));
        assertTrue(run(concat(base, "--stage", "ar", "--bogus", "1"))[2].contains("unknown option"));
        assertTrue(run(concat(base, "--stage", "fast", "--block-size", "1"))[2].contains("--block-size must be an integer from 2"));
        assertTrue(run(concat(base, "--stage", "bd3", "--anneal", "8:10"))[2].contains("--anneal applies to --stage fast"));
        assertTrue(run(concat(base, "--stage", "fast", "--anneal", "8-10"))[2].contains("SIZE:STEPS pairs"));
        assertTrue(run(concat(base, "--stage", "fast", "--steps", "100", "--anneal", "8:60,16:40"))[2]
                .contains("leaving none of the 100 --steps"));
        String[] r = run(concat(base, "--stage", "ar", "--steps", "-3"));
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--steps must be an integer from 1 to"));
    }

    @Test
    void aMissingCorpusIsAClearError() {
        String[] r = run("--corpus", "/nonexistent/corpus", "--out", System.getProperty("java.io.tmpdir") + "/dvlcap-none",
                "--stage", "ar");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("has no manifest.jsonl"), r[2]);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
