package dvlcap.inspect;

import dvlcap.model.TextConfig;

import java.util.List;

/**
 * Memory a model needs to run, from its headers and config.
 *
 * @param weightsStoredBytes the weights as stored on disk
 * @param weightsHeldBytes what the CPU backend holds for them
 * @param weightsHeld how the CPU backend holds them
 * @param kvBytesPer1000Positions one sequence's KV cache for 1,000 positions (prompt, image and answer)
 * @param note what the figures leave out
 */
public record MemoryEstimate(long weightsStoredBytes, long weightsHeldBytes, String weightsHeld,
                             long kvBytesPer1000Positions, String note) {
    /** The engine's KV cache is float32 on every backend. */
    static final int KV_BYTES_PER_VALUE = 4;

    static MemoryEstimate of(TextConfig text, List<WeightHeaders.Entry> tensors) {
        long stored = 0, params = 0;
        for (WeightHeaders.Entry t : tensors) {
            stored += t.bytes();
            params += t.numel();
        }
        // today's CPU backend converts every weight to a float32 array on the heap
        long held = params * 4;
        long kv = 2L * text.numLayers() * text.kvDim() * KV_BYTES_PER_VALUE * 1000;
        return new MemoryEstimate(stored, held, "float32 on the Java heap, bf16/f16 weights widened", kv,
                "plus activations and scratch (a few MiB per sequence at these widths), the vision tower's activations "
                        + "per image, and the JVM itself; each sequence decoded at once needs its own KV cache "
                        + "(--batch-size sequences)");
    }
}
