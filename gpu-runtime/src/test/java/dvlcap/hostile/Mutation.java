package dvlcap.hostile;

/**
 * One hostile change to a model directory: {@code file} (a name inside the directory) gets
 * {@code content} instead of its original bytes.
 *
 * @param target the tensor or config key changed, or null when the change is to the file as a whole
 */
record Mutation(MutationKind kind, String file, String target, String description, byte[] content) {

    @Override
    public String toString() {
        return kind + " " + file + ": " + description;
    }
}
