package dvlcap.model;

import java.util.Locale;

/**
 * Element types of a safetensors file. Every dtype of the format is recognised by name so that an
 * unsupported one is reported as such instead of as a malformed header; only the float types the
 * engine converts are {@link #supported()}.
 */
public enum DType {
    F32(4, true), F16(2, true), BF16(2, true),
    F64(8, false), F8_E4M3(1, false), F8_E5M2(1, false),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false),
    U64(8, false), U32(4, false), U16(2, false), U8(1, false), BOOL(1, false);

    private final int size;
    private final boolean supported;

    DType(int size, boolean supported) {
        this.size = size;
        this.supported = supported;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** Whether the engine can read (and the writer can write) this type. */
    public boolean supported() {
        return supported;
    }

    /** The dtype for a safetensors header name, or null when the name is not a safetensors dtype at all. */
    public static DType byName(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
