package dvlcap.trainer;

/**
 * Rotary position embedding, Hugging Face rotate_half convention: within each head, element i
 * pairs with i + headDim/2 and turns by {@code pos / theta^(2i/headDim)}. The backward pass is
 * the inverse rotation (a rotation's transpose).
 */
public record Rope(int headDim, double theta) {

    /** Rotates {@code x} ([rows, heads*headDim]) in place; row r sits at {@code positions[r]}. */
    public void forward(float[] x, int rows, int heads, int[] positions) {
        rotate(x, rows, heads, positions, 1);
    }

    /** Turns the gradient of the rotated values into the gradient of the inputs, in place. */
    public void backward(float[] dy, int rows, int heads, int[] positions) {
        rotate(dy, rows, heads, positions, -1);
    }

    private void rotate(float[] x, int rows, int heads, int[] positions, int sign) {
        int half = headDim / 2;
        float[] cos = new float[half], sin = new float[half];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < half; i++) {
                double invFreq = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
                double angle = positions[r] * invFreq;
                cos[i] = (float) Math.cos(angle);
                sin[i] = sign * (float) Math.sin(angle);
            }
            for (int h = 0; h < heads; h++) {
                int o = (r * heads + h) * headDim;
                for (int i = 0; i < half; i++) {
                    float a = x[o + i], b = x[o + i + half];
                    x[o + i] = a * cos[i] - b * sin[i];
                    x[o + i + half] = b * cos[i] + a * sin[i];
                }
            }
        }
    }
}
