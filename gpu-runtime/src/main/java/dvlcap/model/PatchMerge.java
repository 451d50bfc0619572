package dvlcap.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * LLaVA-NeXT's {@code mm_patch_merge_type}: how the base and tile features of an image become LM rows
 * ({@code prepare_inputs_labels_for_multimodal}). Only the names that code handles as written are
 * accepted; it matches substrings, so an unlisted name would silently mean one of these.
 */
public enum PatchMerge {
    /** Every tile's rows in tile order, base first; no grid, no newline. */
    FLAT("flat", false, false, true, false),
    /** The tiles' rows as one row-major map of the whole grid, after the base rows. */
    SPATIAL("spatial", true, false, true, false),
    /** The grid map with the padding rows or columns cut away, a newline row after each map row. */
    SPATIAL_UNPAD("spatial_unpad", true, true, true, false),
    /** {@link #SPATIAL} without the base rows. */
    SPATIAL_NOBASE("spatial_nobase", true, false, false, false),
    /** {@link #SPATIAL_UNPAD} without the base rows. */
    SPATIAL_UNPAD_NOBASE("spatial_unpad_nobase", true, true, false, false),
    /** The grid map max-pooled 2x2 (floor), after the base rows; no unpadding, no newline. */
    SPATIAL_MAXPOOL2X2("spatial_maxpool2x2", true, false, true, true);

    private final String configName;
    private final boolean spatial;
    private final boolean unpad;
    private final boolean base;
    private final boolean maxPool;

    PatchMerge(String configName, boolean spatial, boolean unpad, boolean base, boolean maxPool) {
        this.configName = configName;
        this.spatial = spatial;
        this.unpad = unpad;
        this.base = base;
        this.maxPool = maxPool;
    }

    /** The value as config.json writes it. */
    public String configName() {
        return configName;
    }

    /** Whether the tiles form a grid map (anything but {@link #FLAT}). */
    public boolean spatial() {
        return spatial;
    }

    /** Padding cut away and newline rows added; the checkpoint then holds {@code model.image_newline}. */
    public boolean unpad() {
        return unpad;
    }

    /** Whether the base image's rows come first. */
    public boolean base() {
        return base;
    }

    public boolean maxPool() {
        return maxPool;
    }

    /** Parses {@code mm_patch_merge_type}; absent means {@code flat}, as in LLaVA. */
    public static PatchMerge parse(String s) {
        if (s == null) {
            return FLAT;
        }
        for (PatchMerge m : values()) {
            if (m.configName.equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("mm_patch_merge_type '" + s + "' is not supported ("
                + Arrays.stream(values()).map(PatchMerge::configName).collect(Collectors.joining(", ")) + " are)");
    }
}
