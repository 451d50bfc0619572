package dvlcap.decode;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.image.VisionInput;
import dvlcap.nn.InputRows;
import dvlcap.nn.KvCache;
import dvlcap.nn.LlavaModel;
import dvlcap.nn.Segment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Fast-dVLM-style block decoding written the slow way, as the oracle of {@link FastBlockSequence}:
 * every forward recomputes the whole sequence with a fresh cache (the decided tokens causal, the
 * current block bidirectional), greedy, shifted logits, a causal full recompute for each
 * inherited token. Shares with the scheduler only the model and the remasking policy.
 */
final class FastReferenceDecoder {
    private FastReferenceDecoder() {
    }

    static int[] decode(LlavaModel model, int[] prompt, float[] pixels, int blockSize, int steps, Remasking remasking,
                        int maxNew, int maskId, IntPredicate eos) {
        int vocab = model.config().text().vocabSize();
        List<Integer> answer = new ArrayList<>();
        try (Tensor image = model.vision().encode(VisionInput.tile(pixels))) {
            int[] seq = prompt;
            int next = argmax(model.fullLogits(seq, image, 1), seq.length - 1, vocab);
            int[] schedule = UnmaskSchedule.spread(blockSize - 1, Math.min(steps, blockSize - 1));
            while (true) {
                answer.add(next);
                if (eos.test(next) || answer.size() >= maxNew) {
                    break;
                }
                // seq holds everything decided before the inherited token
                int s = seq.length;
                int[] block = new int[blockSize];
                boolean[] masked = new boolean[blockSize];
                block[0] = next;
                for (int i = 1; i < blockSize; i++) {
                    block[i] = maskId;
                    masked[i] = true;
                }
                for (int step = 0; anyMasked(masked); step++) {
                    int[] all = concat(seq, block);
                    float[] logits = mixedLogits(model, all, image, s);
                    float[] conf = new float[blockSize];
                    int[] cand = new int[blockSize];
                    for (int i = 1; i < blockSize; i++) {
                        int row = s + i - 1;
                        cand[i] = argmax(logits, row, vocab);
                        conf[i] = confidence(logits, row, vocab, cand[i]);
                    }
                    boolean[] chosen = remasking.select(conf, masked, step < schedule.length ? schedule[step] : blockSize);
                    for (int i = 1; i < blockSize; i++) {
                        if (chosen[i] && masked[i]) {
                            masked[i] = false;
                            block[i] = cand[i];
                        }
                    }
                }
                boolean stop = false;
                for (int i = 1; i < blockSize && !stop; i++) {
                    answer.add(block[i]);
                    stop = eos.test(block[i]) || answer.size() >= maxNew;
                }
                if (stop) {
                    break;
                }
                seq = concat(seq, block);
                next = argmax(model.fullLogits(seq, image, 1), seq.length - 1, vocab);
            }
        }
        int cut = answer.size();
        for (int i = 0; i < answer.size(); i++) {
            if (eos.test(answer.get(i))) {
                cut = i;
                break;
            }
        }
        return answer.subList(0, cut).stream().mapToInt(Integer::intValue).toArray();
    }

    /** Logits of every row: rows before {@code contextEnd} causal, the rest bidirectional among themselves. */
    private static float[] mixedLogits(LlavaModel model, int[] ids, Tensor image, int contextEnd) {
        Backend b = model.backend();
        int h = model.config().text().hiddenSize(), n = ids.length, vocab = model.config().text().vocabSize();
        try (KvCache cache = model.lm().newCache(n); Tensor x = b.allocate(n * h)) {
            InputRows.fill(b, model.lm(), x, 0, ids, 0, image);
            model.lm().forward(x, List.of(new Segment(cache, 0, contextEnd, 1),
                    new Segment(cache, contextEnd, n - contextEnd, Integer.MAX_VALUE)));
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = i;
            }
            float[] out = new float[n * vocab];
            b.read(model.lm().logits(x, rows), 0, out, 0, out.length);
            return out;
        }
    }

    private static int argmax(float[] logits, int row, int vocab) {
        int best = 0;
        for (int v = 1; v < vocab; v++) {
            if (logits[row * vocab + v] > logits[row * vocab + best]) {
                best = v;
            }
        }
        return best;
    }

    private static float confidence(float[] logits, int row, int vocab, int best) {
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(logits[row * vocab + v] - logits[row * vocab + best]);
        }
        return (float) (1 / sum);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static boolean anyMasked(boolean[] masked) {
        for (boolean m : masked) {
            if (m) {
                return true;
            }
        }
        return false;
    }
}
