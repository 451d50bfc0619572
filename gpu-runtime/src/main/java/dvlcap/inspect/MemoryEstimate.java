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
        long stored = 0, heap = 0, mapped = 0;
        for (WeightHeaders.Entry t : tensors) {
            stored += t.bytes();
            boolean half = t.dtype().equals("BF16") || t.dtype().equals("F16");
            // the CPU backend keeps 16-bit matrices mapped as stored; float32 and small vectors go to the heap
            if (half && t.shape().length >= 2) {
                mapped += t.bytes();
            } else {
                heap += t.numel() * 4;
            }
        }
        long held = heap + mapped;
        String how = String.format(java.util.Locale.ROOT,
                "%d MiB of bf16/f16 matrices memory-mapped as stored (page cache), %d MiB as float32 on the Java heap",
                mapped >> 20, heap >> 20);
        long kv = 2L * text.numLayers() * text.kvDim() * KV_BYTES_PER_VALUE * 1000;
        return new MemoryEstimate(stored, held, how, kv,
                "plus activations and scratch (a few MiB per sequence at these widths), the vision tower's activations "
                        + "per image, and the JVM itself; each sequence decoded at once needs its own KV cache "
                        + "(--batch-size sequences)");
    }
}
