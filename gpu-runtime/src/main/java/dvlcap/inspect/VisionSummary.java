package dvlcap.inspect;

import java.util.List;

/**
 * What a family's vision side does to an image, for {@code dvlcap inspect}.
 *
 * @param tower the encoder, e.g. "SigLIP ViT, 27 layers (26 run), hidden 1152, 14-pixel patches"
 * @param images how an image becomes the tower's input (resizing, padding, tiles)
 * @param minPixels fewest pixels the tower sees per image (after preprocessing)
 * @param maxPixels most pixels the tower sees per image
 * @param minTokens fewest LM positions one image takes
 * @param maxTokens most LM positions one image takes
 * @param notes anything else a user should know (normalisation, limits)
 */
public record VisionSummary(String tower, String images, long minPixels, long maxPixels, int minTokens, int maxTokens,
                            List<String> notes) {
    public VisionSummary {
        notes = List.copyOf(notes);
    }
}
