package dev.pixelflow.simd.nn;

import java.util.Arrays;
import java.util.Objects;

/**
 * A trainable tensor of a layer, described by name, shape and initializer. Layers hold {@code Parameter}s, not
 * tensors: the values and gradients live in the {@link Model} the layer belongs to (one contiguous block for all
 * parameters), and a {@link Pass} hands them to the layer. That lets immutable snapshots of the weights run the
 * same layers while training goes on.
 *
 * <p>A parameter belongs to at most one model.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final Initializer initializer;
    private final boolean decay;
    private final long size;
    int slot = -1;

    private Parameter(String name, int[] shape, Initializer initializer, boolean decay) {
        this.name = name;
        this.shape = shape;
        this.initializer = initializer;
        this.decay = decay;
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        this.size = n;
    }

    /**
     * A parameter.
     *
     * @param name local name within its layer, e.g. {@code "weight"}
     * @param initializer initial values
     * @param decay whether weight decay applies (true for weights, false for biases and normalization scales)
     * @param shape its shape, every dimension >= 1
     */
    public static Parameter of(String name, Initializer initializer, boolean decay, int... shape) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(initializer, "initializer");
        Objects.requireNonNull(shape, "shape");
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("parameter name must be non-empty without '.', got '" + name + "'");
        }
        if (shape.length == 0) {
            throw new IllegalArgumentException("parameter " + name + " needs at least one dimension");
        }
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("parameter " + name + " has shape " + Arrays.toString(shape)
                        + "; every dimension must be >= 1");
            }
        }
        return new Parameter(name, shape.clone(), initializer, decay);
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public long size() {
        return size;
    }

    public Initializer initializer() {
        return initializer;
    }

    /** Whether optimizers apply weight decay to it. */
    public boolean decays() {
        return decay;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
