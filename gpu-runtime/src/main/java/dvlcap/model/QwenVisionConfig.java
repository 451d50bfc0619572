package dvlcap.model;

import java.util.List;

/**
 * The Qwen2.5-VL vision tower's shape ({@code Qwen2_5_VLVisionConfig}): a ViT over 14-pixel patches
 * with temporal patch 2 (a still image is its own second frame), 2-D rotary positions, window
 * attention except in {@code fullAttentionBlocks}, and a merger of 2x2 patches into one LM row.
 *
 * @param depth number of blocks ({@code depth})
 * @param windowSize window side in pixels ({@code window_size}, 112: 4x4 merged units of 28 pixels)
 * @param fullAttentionBlocks blocks attending over the whole image ({@code fullatt_block_indexes})
 * @param outHiddenSize the merger's output width, the LM's hidden size ({@code out_hidden_size})
 * @param ropeTheta base of the 2-D rotary frequencies (10000)
 */
public record QwenVisionConfig(int depth, int hiddenSize, int intermediateSize, int numHeads, int inChannels,
                               int patchSize, int temporalPatchSize, int spatialMergeSize, int windowSize,
                               List<Integer> fullAttentionBlocks, int outHiddenSize, float ropeTheta) {

    public QwenVisionConfig {
        fullAttentionBlocks = List.copyOf(fullAttentionBlocks);
        TextConfig.require(depth > 0 && hiddenSize > 0 && intermediateSize > 0 && numHeads > 0 && outHiddenSize > 0,
                "vision_config sizes must be positive");
        TextConfig.require(hiddenSize % numHeads == 0, "vision_config.hidden_size " + hiddenSize
                + " must divide by num_heads " + numHeads);
        TextConfig.require(hiddenSize / numHeads % 4 == 0, "vision head dim " + hiddenSize / numHeads
                + " must divide by 4 (2-D rotary: h and w each rotate a quarter-pair of frequencies)");
        TextConfig.require(patchSize > 0 && temporalPatchSize > 0 && spatialMergeSize > 0 && inChannels > 0,
                "vision_config patch_size, temporal_patch_size, spatial_merge_size and in_channels must be positive");
        TextConfig.require(windowSize >= spatialMergeSize * patchSize, "vision_config.window_size " + windowSize
                + " is smaller than one merged unit (" + spatialMergeSize * patchSize + " pixels)");
        for (int b : fullAttentionBlocks) {
            TextConfig.require(b >= 0 && b < depth, "vision_config.fullatt_block_indexes holds " + b
                    + ", outside the " + depth + " blocks");
        }
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Values per patch row of {@code pixel_values}: channels x temporal x patch x patch (1176). */
    public int patchDim() {
        return inChannels * temporalPatchSize * patchSize * patchSize;
    }

    /** Patches merged into one LM row (4). */
    public int mergeUnit() {
        return spatialMergeSize * spatialMergeSize;
    }

    /** Window side in merged units ({@code window_size / spatial_merge_size / patch_size}, 4). */
    public int windowUnits() {
        return windowSize / spatialMergeSize / patchSize;
    }

    public boolean fullAttention(int block) {
        return fullAttentionBlocks.contains(block);
    }
}
