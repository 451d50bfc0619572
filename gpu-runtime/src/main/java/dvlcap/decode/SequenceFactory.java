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
            if (settings.decoder() != DecoderKind.AR) {
                throw new IllegalArgumentException("this model is autoregressive (its config.json has no mask_token_id): "
                        + "use --decoder ar");
            }
            blockSize = 1;
            steps = 1;
        } else if (settings.decoder() == DecoderKind.SPECULATIVE) {
            if (!model.causalLm()) {
                throw new IllegalArgumentException("--decoder speculative needs a model trained with the causal-LM loss "
                        + "on its clean half (Fast-dVLM's recipe, causal_lm_loss in config.json); this one was not: "
                        + "use --decoder block or ar");
            }
            if (!settings.greedy()) {
                throw new IllegalArgumentException("--decoder speculative is greedy only: its answer equals the AR greedy "
                        + "answer, so --temperature must be 0");
            }
            blockSize = settings.blockSize() == 0 ? model.blockSize() : settings.blockSize();
            if (blockSize < 2) {
                throw new IllegalArgumentException("--decoder speculative needs --block-size >= 2, got " + blockSize);
            }
            steps = 2;
        } else if (settings.decoder() == DecoderKind.AR) {
            // A diffusion model decoded one token per forward: block diffusion with B = S = 1.
            blockSize = 1;
            steps = 1;
        } else {
            blockSize = settings.blockSize() == 0 ? model.blockSize() : settings.blockSize();
            steps = settings.steps() == 0 ? blockSize : settings.steps();
            if (model.causalLm() && blockSize < 2) {
                throw new IllegalArgumentException("block decoding of a model trained with the causal-LM loss needs "
                        + "--block-size >= 2 (its blocks start with the inherited token); use --decoder ar for one token "
                        + "per forward");
            }
            if (settings.subBlock() > 0 && blockSize % settings.subBlock() != 0) {
                throw new IllegalArgumentException("--sub-block " + settings.subBlock() + " must divide the block size "
                        + blockSize);
            }
        }
        if (settings.subBlock() > 0 && settings.decoder() != DecoderKind.BLOCK) {
            throw new IllegalArgumentException("--sub-block applies to --decoder block only");
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
        if (!model.isDiffusion() || (model.causalLm() && settings.decoder() == DecoderKind.AR)) {
            // A model trained with the causal-LM loss decodes causally with shifted logits, as it verifies.
            return new ArSequence(prompt, chooser, settings.maxNewTokens(), model::isEos, cache);
        }
        if (settings.decoder() == DecoderKind.SPECULATIVE) {
            return new SpeculativeSequence(prompt, blockSize, settings.maxNewTokens(), model.maskTokenId(), model::isEos,
                    cache);
        }
        Remasking remasking = settings.subBlock() > 0 ? new SubBlockRemasking(settings.subBlock(), settings.threshold())
                : Remasking.of(settings.remasking(), settings.threshold());
        if (model.causalLm()) {
            return new FastBlockSequence(prompt, blockSize, steps, remasking, chooser, settings.maxNewTokens(),
                    model.maskTokenId(), model::isEos, cache);
        }
        return new BlockSequence(prompt, blockSize, steps, remasking,
                chooser, settings.maxNewTokens(), model.maskTokenId(), model::isEos, cache);
    }
}
