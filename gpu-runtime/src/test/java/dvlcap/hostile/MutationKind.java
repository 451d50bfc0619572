package dvlcap.hostile;

/** What a {@link Mutation} breaks: one part of the safetensors file or of config.json. */
enum MutationKind {
    HEADER_LENGTH("safetensors header length"),
    HEADER_JSON_BYTES("safetensors header JSON bytes"),
    TENSOR_OFFSETS("tensor data_offsets"),
    TENSOR_SHAPE("tensor shape"),
    TENSOR_DTYPE("tensor dtype"),
    TRUNCATION("file truncated"),
    CONFIG_KEY("config.json key"),
    VISION_CONFIG_KEY("config.json vision_config key");

    private final String label;

    MutationKind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Whether the mutation targets one tensor's header entry, so that an error about it should name a tensor. */
    boolean targetsTensor() {
        return this == TENSOR_OFFSETS || this == TENSOR_SHAPE || this == TENSOR_DTYPE;
    }

    /** Whether the mutation targets one config key, so that an error should name that key (or a tensor). */
    boolean targetsConfigKey() {
        return this == CONFIG_KEY || this == VISION_CONFIG_KEY;
    }
}
