package dvlcap.backend;

/**
 * One of several projections of the same input in {@link Backend#matmuls}: {@code out = x * w^T + bias}
 * ({@code bias} may be null).
 */
public record Projection(Tensor out, Weight w, Tensor bias) {
}
