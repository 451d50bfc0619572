package dvlcap.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.backend.VectorBackend;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.SafetensorsFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Qwen2 LM of the tiny qwen2.5-vl model against the fixture's logits: the Hugging Face prompt with
 * M-RoPE positions (transformers' get_rope_index and forward, causal), and DiffusionVL's prompt (image
 * spliced without vision tokens) with 1-D positions under a block-causal mask of 4. The image rows
 * are this engine's own features, so tower and LM are checked together.
 */
class QwenVlLmParityTest {

    private static float[] ref(String name) {
        try (SafetensorsFile f = QwenParityFixture.reference()) {
            return f.floats(name, f.shape(name));
        }
    }

    private static int[] ints(float[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Math.round(a[i]);
        }
        return r;
    }

    private static LlavaModel load(Backend b, Path dir) {
        ModelConfig config = ModelConfigReader.read(dir.resolve("config.json"));
        SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"));
        return LlavaModel.load(b, config, file);
    }

    /** HF prompt ids with every {@code <|image_pad|>} turned into an image row. */
    private static int[] arIds() {
        int[] ids = ints(ref("ar.ids"));
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == QwenParityFixture.IMAGE_PAD) {
                ids[i] = InputRows.IMAGE;
            }
        }
        return ids;
    }

    private static int promptLength() {
        int[] ids = ints(ref("ar.ids"));
        return ids.length - 3; // the fixture appends three answer tokens
    }

    @Test
    void mropePositionsMatchGetRopeIndexIncludingTheAnswerAfterThePrompt() {
        int[] ids = arIds();
        int prompt = promptLength();
        MropePositions p = MropePositions.of(Arrays.copyOf(ids, prompt), 4, 6);
        int[][] got = new int[3][ids.length];
        p.fill(0, ids.length, got, 0);
        int[] want = ints(ref("ar.positions"));
        for (int s = 0; s < 3; s++) {
            assertArrayEquals(Arrays.copyOfRange(want, s * ids.length, (s + 1) * ids.length), got[s], "section " + s);
        }
        // 4 text, 24 image rows taking max(4, 6) = 6 positions, 6 text: the answer lags its slot by 18
        assertEquals(-18, p.delta());
    }

    @Test
    void huggingFaceLayoutLogitsWithMropeMatchTransformers() {
        int[] ids = arIds();
        int prompt = promptLength();
        float[] want = ref("ar.logits");
        for (Backend b : new Backend[] {new ScalarBackend(), new VectorBackend()}) {
            try (LlavaModel m = load(b, QwenParityFixture.HF)) {
                VisionInput image = QwenParityFixture.imageA();
                RopePositions pos = m.positions(Arrays.copyOf(ids, prompt), image);
                float[] got;
                try (Tensor features = m.vision().encode(image)) {
                    got = m.fullLogits(ids, features, pos, 1);
                }
                double err = QwenParityFixture.relativeError(want, got);
                System.out.printf("qwen2.5-vl AR logits (M-RoPE) on %s: max|d|/max|ref| %.2e%n", b.name(), err);
                assertTrue(err <= 1e-4, b.name() + ": " + err);
                assertArrayEquals(argmax(want, 300), argmax(got, 300), b.name());
            }
        }
    }

    @Test
    void diffusionVlLayoutLogitsWithOneDimensionalPositionsMatch() {
        int[] ids = ints(ref("dvl.ids"));
        float[] want = ref("dvl.logits");
        for (Backend b : new Backend[] {new ScalarBackend(), new VectorBackend()}) {
            try (LlavaModel m = load(b, QwenParityFixture.DIFFUSIONVL)) {
                VisionInput image = QwenParityFixture.imageA();
                assertNull(m.positions(ids, image), "DiffusionVL's positions are its slots");
                float[] got;
                try (Tensor features = m.vision().encode(image)) {
                    got = m.fullLogits(ids, features, null, QwenParityFixture.BLOCK);
                }
                double err = QwenParityFixture.relativeError(want, got);
                System.out.printf("qwen2.5-vl DiffusionVL logits (1-D, block 4) on %s: max|d|/max|ref| %.2e%n",
                        b.name(), err);
                assertTrue(err <= 1e-4, b.name() + ": " + err);
                assertArrayEquals(argmax(want, 300), argmax(got, 300), b.name());
            }
        }
    }

    /** Prefill then one row at a time, positions from the sequence's M-RoPE map: the same logits as one pass. */
    @Test
    void cachedMropeDecodingEqualsTheFullForward() {
        int[] ids = arIds();
        int prompt = promptLength(), n = ids.length, vocab = 300;
        try (LlavaModel m = load(new VectorBackend(), QwenParityFixture.HF)) {
            Backend b = m.backend();
            VisionInput image = QwenParityFixture.imageA();
            RopePositions pos = m.positions(Arrays.copyOf(ids, prompt), image);
            try (Tensor features = m.vision().encode(image); KvCache cache = m.lm().newCache(n)) {
                float[] full = m.fullLogits(ids, features, pos, 1);
                int h = m.config().text().hiddenSize();
                List<float[]> steps = new ArrayList<>();
                int[] cuts = {0, 20, prompt, prompt + 1, prompt + 2, n};
                for (int c = 0; c + 1 < cuts.length; c++) {
                    int from = cuts[c], len = cuts[c + 1] - from;
                    try (Tensor x = b.allocate(len * h)) {
                        InputRows.fill(b, m.lm(), x, 0, Arrays.copyOfRange(ids, from, from + len),
                                InputRows.imageRowsBefore(ids, from), features);
                        m.lm().forward(x, List.of(new Segment(cache, from, len, 1, pos)));
                        int[] rows = new int[len];
                        Arrays.setAll(rows, i -> i);
                        float[] l = new float[len * vocab];
                        b.read(m.lm().logits(x, rows), 0, l, 0, l.length);
                        steps.add(l);
                    }
                }
                float[] pieced = new float[n * vocab];
                int at = 0;
                for (float[] s : steps) {
                    System.arraycopy(s, 0, pieced, at, s.length);
                    at += s.length;
                }
                assertArrayEquals(full, pieced, 1e-4f);
            }
        }
    }

    private static int[] argmax(float[] logits, int vocab) {
        int[] a = new int[logits.length / vocab];
        for (int r = 0; r < a.length; r++) {
            int best = 0;
            for (int i = 1; i < vocab; i++) {
                if (logits[r * vocab + i] > logits[r * vocab + best]) {
                    best = i;
                }
            }
            a[r] = best;
        }
        return a;
    }
}
