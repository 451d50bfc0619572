package dvlcap.model;

import java.util.List;

/**
 * Where a qwen2.5-vl checkpoint keeps its tensors. The loaders ask for Hugging Face's legacy names
 * (the LM as {@code model.layers.*}, {@code model.embed_tokens.weight}, {@code model.norm.weight},
 * {@code lm_head.weight}; the tower as {@code visual.*}, its merger as {@code visual.merger.*}), which
 * the Qwen2.5-VL hub checkpoints and transformers 5 store; the other layouts are views:
 * <ul>
 *   <li>transformers 4.52-4.57 saves: {@code model.language_model.*}, {@code model.visual.*};</li>
 *   <li>DiffusionVL-Qwen2.5VL: the LM as {@code model.*}, the tower (merger removed) as
 *       {@code model.vision_tower.vision_tower.*}, the merger as the projector
 *       {@code model.mm_projector.merger.*}.</li>
 * </ul>
 * Fast-dVLM's checkpoints use the Hugging Face names (sglang's loader maps both).
 */
public record QwenVlTensorNames(String layout, String lm, String tower, String merger) {
    public static final String PATCH_EMBED = "patch_embed.proj.weight";

    public static final QwenVlTensorNames HF = new QwenVlTensorNames("Hugging Face", "model.", "visual.", "visual.merger.");
    public static final QwenVlTensorNames HF_LANGUAGE_MODEL = new QwenVlTensorNames("Hugging Face (transformers 4.52+)",
            "model.language_model.", "model.visual.", "model.visual.merger.");
    public static final QwenVlTensorNames DIFFUSIONVL = new QwenVlTensorNames("DiffusionVL",
            "model.", "model.vision_tower.vision_tower.", "model.mm_projector.merger.");

    /** {@link #detect(WeightSource, java.nio.file.Path)}, errors naming the weights file or shard index. */
    public static QwenVlTensorNames detect(WeightSource weights) {
        java.nio.file.Path where = weights instanceof SafetensorsFile f ? f.file()
                : weights instanceof ShardedWeightSource s ? s.indexFile() : java.nio.file.Path.of("<model weights>");
        return detect(weights, where);
    }

    /**
     * The layout of {@code weights}: the tower by where its patch embedding is, the LM by where its
     * embedding table is. {@code file} is what an error names; the message lists what was looked for.
     */
    public static QwenVlTensorNames detect(WeightSource weights, java.nio.file.Path file) {
        for (QwenVlTensorNames n : List.of(HF, HF_LANGUAGE_MODEL, DIFFUSIONVL)) {
            if (weights.has(n.tower() + PATCH_EMBED)) {
                String lm = weights.has(HF_LANGUAGE_MODEL.lm() + "embed_tokens.weight") ? HF_LANGUAGE_MODEL.lm() : "model.";
                return lm.equals(n.lm()) ? n : new QwenVlTensorNames(n.layout(), lm, n.tower(), n.merger());
            }
        }
        throw new ModelFileException(file, null, "no qwen2.5-vl vision tower: looked for "
                + HF.tower() + PATCH_EMBED + " (Hugging Face), " + HF_LANGUAGE_MODEL.tower() + PATCH_EMBED
                + " (transformers 4.52+) and " + DIFFUSIONVL.tower() + PATCH_EMBED + " (DiffusionVL)");
    }

    /** The LM under Qwen2's names ({@code model.*}, {@code lm_head.weight}). */
    public WeightSource lmView(WeightSource weights) {
        return new RenamedWeightSource(weights, List.of(new RenamedWeightSource.Prefix("model.", lm)));
    }

    /** The tower and merger under Hugging Face's legacy names ({@code visual.*}, {@code visual.merger.*}). */
    public WeightSource visionView(WeightSource weights) {
        return new RenamedWeightSource(weights, List.of(
                new RenamedWeightSource.Prefix("visual.merger.", merger),
                new RenamedWeightSource.Prefix("visual.", tower)));
    }
}
