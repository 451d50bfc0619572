package dvlcap.trainer;

/**
 * One training sequence as the language model sees it.
 *
 * @param tokens row r's token id, or {@code -1 - k} for row k of the projected image features
 *        (so an image may appear in any rows, even twice)
 * @param positions row r's rotary position
 * @param mask which rows row r attends to
 */
public record LmInput(int[] tokens, int[] positions, AttentionMask mask) {

    public LmInput {
        if (tokens.length != positions.length) {
            throw new IllegalArgumentException(tokens.length + " tokens but " + positions.length + " positions");
        }
    }

    public int length() {
        return tokens.length;
    }

    public static int imageRow(int patch) {
        return -1 - patch;
    }

    public boolean hasImage() {
        for (int t : tokens) {
            if (t < 0) {
                return true;
            }
        }
        return false;
    }
}
