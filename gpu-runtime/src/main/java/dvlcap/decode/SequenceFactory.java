package dvlcap.decode;

import dvlcap.model.DecodingDefaults;
import dvlcap.nn.KvCache;

/**
 * Makes the decoding state of one caption from the run's settings and the model's own decoding
 * facts; the settings are checked against the model once, here.
 */
public final class SequenceFactory {
    private final DecodingSettings settings;
    private final DecodingDefaults model;
    private final int blockSize;
    private final int steps;

    public SequenceFactory(DecodingSettings settings, DecodingDefaults model) {
        this.settings = settings;
        this.model = model;
        if (!model.isDiffusion()) {
            if (settings.decoder() == DecoderKind.BLOCK) {
                throw new IllegalArgumentException("this model is autoregressive (its config.json has no mask_token_id): "
                        + "use --decoder ar");
            }
            blockSize = 1;
            steps = 1;
        } else if (settings.decoder() == DecoderKind.AR) {
            // A diffusion model decoded one token per forward: block diffusion with B = S = 1.
            blockSize = 1;
            steps = 1;
        } else {
            blockSize = settings.blockSize() == 0 ? model.blockSize() : settings.blockSize();
            steps = settings.steps() == 0 ? blockSize : settings.steps();
        }
    }

    public int blockSize() {
        return blockSize;
    }

    public int steps() {
        return steps;
    }

    public DecodingSettings settings() {
        return settings;
    }

    /** Cache positions a prompt of this length needs. */
    public int capacity(int promptLength) {
        return Sequence.capacity(promptLength, settings.maxNewTokens(), blockSize);
    }

    public Sequence create(String id, int[] prompt, KvCache cache) {
        TokenChooser chooser = new TokenChooser(settings.greedy() ? null
                : new Sampler(settings.temperature(), settings.topK(), settings.topP(), settings.seed(), id));
        if (!model.isDiffusion()) {
            return new ArSequence(prompt, chooser, settings.maxNewTokens(), model::isEos, cache);
        }
        return new BlockSequence(prompt, blockSize, steps, Remasking.of(settings.remasking(), settings.threshold()),
                chooser, settings.maxNewTokens(), model.maskTokenId(), model::isEos, cache);
    }
}
