package dvlcap.backend.cuda;

/** The kernels of kernels.fatbin (src/main/cuda), by their extern "C" names. */
enum Kernel {
    GEMM_BF16_MMA("gemm_bf16_mma"),
    GEMM_BF16_SIMPLE("gemm_bf16_simple"),
    EMBED_BF16("embed_bf16"),
    RMS_NORM("rms_norm"),
    LAYER_NORM("layer_norm"),
    ROPE("rope"),
    SWIGLU("swiglu"),
    GELU("gelu"),
    ADD_INPLACE("add_inplace"),
    ATTENTION("attention"),
    ATTENTION_BATCHED("attention_batched"),
    KV_WRITE("kv_write"),
    ARGMAX_CONFIDENCE("argmax_confidence");

    final String symbol;

    Kernel(String symbol) {
        this.symbol = symbol;
    }
}
