package dvlcap.decode;

import dvlcap.nn.KvCache;

/**
 * The decoding state of one caption, advanced one forward at a time by the scheduler. A
 * sequence's results depend only on its own inputs and the logits of its own rows, never on its
 * batch neighbours.
 */
public interface Sequence {

    /** What this sequence feeds into the next forward. Only called while not {@link #done()}. */
    Work next();

    /**
     * Takes the outcome of the forward for the rows {@link #next()} asked logits for: the greedy
     * choice and its confidence per row, or full logits (host, {@code rows x vocab}) when sampling.
     */
    void accept(int[] ids, float[] confidence, float[] logits, int vocab);

    boolean done();

    /** The answer so far: tokens cut at the first end-of-sequence (the EOS itself excluded). */
    int[] answer();

    /** Number of answer tokens produced, the end-of-sequence token included. */
    int generated();

    int blocks();

    KvCache cache();

    /** Positions the cache needs to hold for this sequence to finish. */
    static int capacity(int promptLength, int maxNewTokens, int blockSize) {
        int end = promptLength + maxNewTokens;
        return (end + 2 * blockSize - 1) / blockSize * blockSize;
    }
}
