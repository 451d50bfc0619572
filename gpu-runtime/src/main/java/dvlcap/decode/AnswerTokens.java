package dvlcap.decode;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The answer of a sequence that emits tokens one by one (autoregressive, speculative and
 * Fast-dVLM-style block decoding): it ends at the first end-of-sequence token (kept out of the
 * answer, counted as generated) or at the length bound.
 */
final class AnswerTokens {
    private final int maxNew;
    private final IntPredicate eos;
    private final int[] tokens;
    private int length;
    private int answerLength;
    private boolean done;

    AnswerTokens(int maxNew, IntPredicate eos) {
        this.maxNew = maxNew;
        this.eos = eos;
        this.tokens = new int[maxNew];
    }

    /** Appends a token; after EOS or the bound the answer is done and further tokens are refused. */
    void emit(int token) {
        if (done) {
            throw new IllegalStateException("the answer is complete");
        }
        tokens[length++] = token;
        if (eos.test(token)) {
            answerLength = length - 1;
            done = true;
        } else if (length >= maxNew) {
            answerLength = length;
            done = true;
        }
    }

    boolean done() {
        return done;
    }

    /** Tokens emitted, the EOS included. */
    int length() {
        return length;
    }

    /** The newest token. */
    int last() {
        return tokens[length - 1];
    }

    int get(int i) {
        return tokens[i];
    }

    /** The answer so far, cut before the first EOS once there is one. */
    int[] answer() {
        return Arrays.copyOf(tokens, done ? answerLength : length);
    }
}
