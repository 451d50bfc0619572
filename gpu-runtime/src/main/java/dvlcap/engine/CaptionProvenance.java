package dvlcap.engine;

import dvlcap.decode.DecoderKind;
import dvlcap.model.ModelIdentity;
import java.util.Locale;

/**
 * What made an engine's captions, as it actually runs: the model's identity, the backend it took,
 * and the decoding settings after the model's defaults were applied (a requested block size of 0
 * is recorded as the model's own). Written beside every caption so that rows of sweeps and
 * annotation runs say how they were made.
 *
 * @param decoder {@code block}, {@code ar} or {@code speculative}
 * @param remasking {@code static}, {@code dynamic}, or {@code sub-block} when sub-block denoising ran
 * @param threshold the threshold as the user wrote it (a float setting read back as its shortest decimal)
 * @param subBlock the sub-block size, 0 when off
 */
public record CaptionProvenance(ModelIdentity model, String backend, String decoder, int blockSize, int steps,
                                String remasking, double threshold, int subBlock, String dvlcapVersion) {

    /** A float setting as the decimal it was written as (0.85f is recorded as 0.85, not 0.8500000238). */
    public static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    /**
     * Tokens accepted per draft + verify step of captions made with these settings (see
     * {@link DecoderKind#tokensPerVerify}): null unless the decoder is speculative and a step ran.
     */
    public Double tokensPerVerify(long tokens, long captions, long verifies) {
        return DecoderKind.valueOf(decoder.toUpperCase(Locale.ROOT)).tokensPerVerify(tokens, captions, verifies);
    }
}
