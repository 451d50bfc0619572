package dvlcap.schemas;

/** The {@code status} column of result batches and of the captions table. */
public enum Status {
    OK("ok"),
    ERROR("error");

    private final String value;

    Status(String value) {
        this.value = value;
    }

    /** The value stored in the column. */
    public String value() {
        return value;
    }

    /** The status stored as {@code value}; an unknown value is an IllegalArgumentException naming it. */
    public static Status of(String value) {
        for (Status s : values()) {
            if (s.value.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status '" + value + "' (allowed: ok, error)");
    }
}
