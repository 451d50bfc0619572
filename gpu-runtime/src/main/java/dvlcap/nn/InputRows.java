package dvlcap.nn;

import dvlcap.backend.Backend;
import dvlcap.backend.Tensor;
import dvlcap.model.PromptTokens;

import java.util.Arrays;

/**
 * Builds LM input rows from a mixed id sequence: ids {@code >= 0} are embedded, ids {@code < 0}
 * are image rows copied, in order, from the projected image features.
 */
public final class InputRows {
    /** The id that stands for an image row in a prompt's id sequence. */
    public static final int IMAGE = -1;

    private InputRows() {
    }

    /** A caption prompt's ids: the text before the image, {@code imageRows} image rows, the text after. */
    public static int[] prompt(PromptTokens tokens, int imageRows) {
        int[] before = tokens.before(), after = tokens.after();
        int[] ids = new int[before.length + imageRows + after.length];
        System.arraycopy(before, 0, ids, 0, before.length);
        Arrays.fill(ids, before.length, before.length + imageRows, IMAGE);
        System.arraycopy(after, 0, ids, before.length + imageRows, after.length);
        return ids;
    }

    /** How many image rows {@code ids[0..end)} holds: the image row a fill starting at {@code end} begins with. */
    public static int imageRowsBefore(int[] ids, int end) {
        int n = 0;
        for (int p = 0; p < Math.min(end, ids.length); p++) {
            n += ids[p] == IMAGE ? 1 : 0;
        }
        return n;
    }

    /**
     * Writes rows for {@code ids} into {@code x} starting at row {@code row}. {@code imageRow0} is
     * the index, in {@code image}, of the first image row these ids contain.
     */
    public static void fill(Backend b, Qwen2Model lm, Tensor x, int row, int[] ids, int imageRow0, Tensor image) {
        int h = lm.config().hiddenSize();
        int i = 0, imageRow = imageRow0;
        while (i < ids.length) {
            int j = i;
            boolean isImage = ids[i] < 0;
            while (j < ids.length && (ids[j] < 0) == isImage) {
                j++;
            }
            if (isImage) {
                b.copy(image, imageRow * h, x, (row + i) * h, (j - i) * h);
                imageRow += j - i;
            } else {
                lm.embed(x, row + i, Arrays.copyOfRange(ids, i, j));
            }
            i = j;
        }
    }
}
