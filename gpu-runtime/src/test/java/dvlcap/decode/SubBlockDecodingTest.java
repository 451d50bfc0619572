package dvlcap.decode;

import dvlcap.backend.ScalarBackend;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelConfig;
import dvlcap.nn.LlavaModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sub-block denoising (Fast-dVLM's MDM mode): the selection rule, and cached decoding against the oracle. */
class SubBlockDecodingTest {

    private static boolean[] masks(String pattern) {
        boolean[] m = new boolean[pattern.length()];
        for (int i = 0; i < m.length; i++) {
            m[i] = pattern.charAt(i) == 'M';
        }
        return m;
    }

    @Test
    void unmasksEveryConfidentPositionOfTheFirstMaskedSubBlockOnly() {
        SubBlockRemasking r = new SubBlockRemasking(4, 0.9f);
        float[] conf = {0.1f, 0.95f, 0.92f, 0.3f, 0.99f, 0.99f, 0.99f, 0.99f};
        boolean[] chosen = r.select(conf, masks("MMMMMMMM"), 1);
        assertArrayEquals(new boolean[]{false, true, true, false, false, false, false, false}, chosen,
                "the second sub-block waits although it is more confident");
    }

    @Test
    void takesTheSingleMostConfidentWhenNoneIsAboveTheThreshold() {
        SubBlockRemasking r = new SubBlockRemasking(4, 0.9f);
        float[] conf = {0.9f, 0.2f, 0.5f, 0.5f, 0.99f, 0.1f, 0.1f, 0.1f};
        // position 0 is clean; 0.9 is not above 0.9; ties go to the lower position
        boolean[] chosen = r.select(conf, masks(".MMMMMMM"), 3);
        assertArrayEquals(new boolean[]{false, false, true, false, false, false, false, false}, chosen);
    }

    @Test
    void movesToTheNextSubBlockOnceTheFirstIsClean() {
        SubBlockRemasking r = new SubBlockRemasking(4, 0.5f);
        float[] conf = {0.9f, 0.9f, 0.9f, 0.9f, 0.4f, 0.6f, 0.3f, 0.7f};
        assertArrayEquals(new boolean[]{false, false, false, false, false, true, false, true},
                r.select(conf, masks("....MMMM"), 1));
    }

    @ParameterizedTest(name = "B={0} sub-block {1} tau={2} prompt {3}+img+{4}")
    @CsvSource({
            "16, 4, 0.90, 3, 5",
            "16, 8, 0.30, 2, 7",
            "8, 4, 0.20, 1, 6",
            "8, 2, 0.95, 4, 4"})
    void cachedSubBlockDecodingEqualsTheUncachedReference(int b, int sub, float tau, int before, int after) {
        ModelConfig config = RandomModel.config(RandomModel.MASK, List.of());
        try (LlavaModel model = RandomModel.load(new ScalarBackend(), config, 7)) {
            int[] prompt = RandomModel.prompt(config, 11, before, after);
            Scheduler.Job job = new Scheduler.Job("img", prompt, VisionInput.tile(RandomModel.pixels(config, 11)), null);
            DecodingSettings s = DecodingSettings.defaults().withBlock(b, 0).withSubBlock(sub, tau).withMaxNewTokens(21);
            Scheduler.Finished got = RandomModel.run(model, s, List.of(job), 1).get("img");
            int[] expected = ReferenceDecoder.blockDiffusion(model, prompt, RandomModel.pixels(config, 11), b, b,
                    new SubBlockRemasking(sub, tau), 21, RandomModel.MASK, t -> false);
            assertArrayEquals(expected, got.answer());
            assertEquals(21, got.answer().length);
            assertTrue(got.forwards() >= (21 + b - 1) / b, "at least one forward per block");
        }
    }

    @Test
    void aSubBlockThatDoesNotDivideTheBlockIsRefused() {
        ModelConfig config = RandomModel.config(RandomModel.MASK, List.of());
        DecodingSettings s = DecodingSettings.defaults().withBlock(8, 0).withSubBlock(3, 0.9f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SequenceFactory(s, config.decoding()));
        assertTrue(e.getMessage().contains("must divide"), e.getMessage());
    }
}
