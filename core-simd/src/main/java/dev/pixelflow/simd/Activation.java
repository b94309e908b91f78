package dev.pixelflow.simd;

/**
 * A pointwise activation function. {@code alpha} is the negative slope of {@link Kind#LEAKY_RELU}
 * (ignored by the others).
 *
 * <ul>
 *   <li>{@code IDENTITY}: y = x (a linear output layer)</li>
 *   <li>{@code RELU}: y = max(x, 0); the derivative at 0 is 0 (PyTorch)</li>
 *   <li>{@code LEAKY_RELU}: y = x for x &gt; 0, alpha * x otherwise</li>
 *   <li>{@code SIGMOID}: y = 1 / (1 + exp(-x))</li>
 *   <li>{@code TANH}: y = tanh(x)</li>
 * </ul>
 */
public record Activation(Kind kind, float alpha) {

    public enum Kind {
        IDENTITY, RELU, LEAKY_RELU, SIGMOID, TANH
    }

    public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0f);
    public static final Activation RELU = new Activation(Kind.RELU, 0f);
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f);
    public static final Activation TANH = new Activation(Kind.TANH, 0f);

    public Activation {
        if (kind == null) {
            throw new IllegalArgumentException("activation kind is null");
        }
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException("activation alpha must be finite, got " + alpha);
        }
    }

    /** Leaky ReLU with the given negative slope (PyTorch's default is 0.01). */
    public static Activation leakyRelu(float negativeSlope) {
        return new Activation(Kind.LEAKY_RELU, negativeSlope);
    }
}
