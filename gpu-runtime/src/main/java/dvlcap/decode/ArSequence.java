package dvlcap.decode;

import dvlcap.nn.InputRows;
import dvlcap.nn.KvCache;

import java.util.function.IntPredicate;

/**
 * Autoregressive decoding of an autoregressive model: causal mask, logits at position p predict
 * the token at p + 1, one new token per forward (the prompt's forward gives the first).
 */
public final class ArSequence implements Sequence {
    private final int[] prompt;
    private final TokenChooser chooser;
    private final KvCache cache;
    private final AnswerTokens answer;

    ArSequence(int[] prompt, TokenChooser chooser, int maxNew, IntPredicate eos, KvCache cache) {
        this.prompt = prompt;
        this.chooser = chooser;
        this.cache = cache;
        this.answer = new AnswerTokens(maxNew, eos);
    }

    @Override
    public Work next() {
        int pos0 = cache.committed();
        int end = prompt.length + answer.length();
        int[] ids = new int[end - pos0];
        for (int p = pos0; p < end; p++) {
            ids[p - pos0] = p < prompt.length ? prompt[p] : answer.get(p - prompt.length);
        }
        return new Work(pos0, ids, 1, new int[]{ids.length - 1}, InputRows.imageRowsBefore(prompt, pos0));
    }

    @Override
    public void accept(int[] ids, float[] confidence, float[] logits, int vocab) {
        cache.commit(prompt.length + answer.length());
        int[] token = new int[1];
        chooser.choose(0, ids, confidence, logits, vocab, token, new float[1], 0);
        answer.emit(token[0]);
    }

    @Override
    public boolean done() {
        return answer.done();
    }

    @Override
    public int[] answer() {
        return answer.answer();
    }

    @Override
    public int generated() {
        return answer.length();
    }

    @Override
    public int blocks() {
        return answer.length();
    }

    @Override
    public KvCache cache() {
        return cache;
    }
}
