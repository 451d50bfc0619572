package dvlcap.sweep;

import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.decode.RemaskingKind;

import java.util.Locale;

/**
 * One decoding setting of a sweep, as the grid asks for it. Fields a decoder does not use are
 * normalized away (AR has no block, static remasking no threshold), so two grid lines that mean
 * the same run are the same setting.
 *
 * @param blockSize 0 for the model's own block size
 * @param steps denoising steps per block, 0 for as many as the block size
 * @param subBlock sub-block size of sub-block denoising, 0 when off
 */
public record SweepSetting(DecoderKind decoder, int blockSize, int steps, RemaskingKind remasking, float threshold,
                           int subBlock, int batchSize, int maxNewTokens) {

    public SweepSetting {
        if (decoder == DecoderKind.AR) {
            blockSize = 0;
            steps = 0;
            subBlock = 0;
        }
        if (decoder != DecoderKind.BLOCK) {
            steps = 0;
            subBlock = 0;
            remasking = RemaskingKind.DYNAMIC;
            threshold = DecodingSettings.DEFAULT_THRESHOLD;
        } else if (subBlock > 0) {
            remasking = RemaskingKind.DYNAMIC; // sub-block denoising has its own rule: above τ, else the most confident
            steps = 0;
        } else if (remasking == RemaskingKind.STATIC) {
            threshold = DecodingSettings.DEFAULT_THRESHOLD;
        }
    }

    /** The engine settings of this setting (greedy). */
    public DecodingSettings decodingSettings() {
        DecodingSettings s = DecodingSettings.defaults().withMaxNewTokens(maxNewTokens).withDecoder(decoder)
                .withBlock(blockSize, steps).withRemasking(remasking, threshold);
        return subBlock > 0 ? s.withSubBlock(subBlock, threshold) : s;
    }

    /** A short name naming every field that matters, e.g. {@code block dynamic b8 s4 t0.85 x16}. */
    public String label() {
        StringBuilder b = new StringBuilder();
        switch (decoder) {
            case AR -> b.append("ar");
            case SPECULATIVE -> b.append("speculative");
            case BLOCK -> b.append(subBlock > 0 ? "sub-block " + subBlock
                    : remasking.name().toLowerCase(Locale.ROOT));
        }
        if (blockSize > 0) {
            b.append(" b").append(blockSize);
        }
        if (steps > 0) {
            b.append(" s").append(steps);
        }
        if (decoder == DecoderKind.BLOCK && (subBlock > 0 || remasking == RemaskingKind.DYNAMIC)) {
            b.append(" t").append(Float.toString(threshold));
        }
        b.append(" x").append(batchSize);
        if (maxNewTokens != SweepGrid.DEFAULT_MAX_NEW_TOKENS) {
            b.append(" n").append(maxNewTokens);
        }
        return b.toString();
    }

    /** Every field, for hashing: equal settings give equal text. */
    String canonical() {
        return String.join(",", decoder.name(), Integer.toString(blockSize), Integer.toString(steps), remasking.name(),
                Float.toString(threshold), Integer.toString(subBlock), Integer.toString(batchSize),
                Integer.toString(maxNewTokens));
    }
}
