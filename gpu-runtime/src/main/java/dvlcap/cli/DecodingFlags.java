package dvlcap.cli;

import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.decode.RemaskingKind;

import java.util.Locale;
import java.util.Set;

/**
 * The decoding flags shared by caption, bench and job, and their help text: one parser for the
 * fields of {@link DecodingSettings}, whose constructor has the last word on ranges (so the
 * messages are the same wherever settings are built).
 */
public final class DecodingFlags {
    public static final Set<String> VALUED = Set.of("decoder", "block-size", "steps", "remasking", "threshold",
            "max-new-tokens", "temperature", "top-k", "top-p", "seed", "sub-block");

    public static final String HELP = """
              --decoder block|ar|speculative  block diffusion (default), one token per forward, or
                                        Fast-dVLM's speculative blocks (greedy; models trained
                                        with the causal-LM loss; equals ar token for token)
              --block-size N            tokens decoded in parallel (default: the model's block_size)
              --steps N                 denoising steps per block (default: the block size)
              --remasking static|dynamic  static: the k most confident per step; dynamic (default):
                                        those and every position above --threshold
              --threshold T             dynamic remasking confidence threshold (default 0.85)
              --sub-block N             denoise each block N positions at a time, left to right:
                                        every mask above --threshold, else the most confident
                                        (Fast-dVLM's MDM mode; 0 = off, default)
              --max-new-tokens N        longest answer in tokens (default 128)
              --temperature T           0 = greedy (default); > 0 samples, seeded per image
              --top-k N                 sample among the N most likely tokens (0 = off, default)
              --top-p P                 sample from the smallest set with mass >= P (default 1)
              --seed N                  sampling seed (default 0)
            """;

    private DecodingFlags() {
    }

    public static DecodingSettings settings(Args a) {
        try {
            return new DecodingSettings(
                    DecoderKind.valueOf(a.choice("decoder", "block", "block", "ar", "speculative").toUpperCase(Locale.ROOT)),
                    a.integer("block-size", 0, 1), a.integer("steps", 0, 1),
                    RemaskingKind.valueOf(a.choice("remasking", "dynamic", "static", "dynamic").toUpperCase(Locale.ROOT)),
                    a.number("threshold", DecodingSettings.DEFAULT_THRESHOLD, -Float.MAX_VALUE, Float.MAX_VALUE),
                    a.integer("max-new-tokens", 128, 1), a.number("temperature", 0f, 0f, 100f),
                    a.integer("top-k", 0, 0), a.number("top-p", 1f, -Float.MAX_VALUE, Float.MAX_VALUE), a.longValue("seed", 0),
                    a.integer("sub-block", 0, 0));
        } catch (IllegalArgumentException e) {
            if (e instanceof Args.UsageException u) {
                throw u;
            }
            throw new Args.UsageException(e.getMessage());
        }
    }
}
