package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One step of a network: a forward map from an input tensor to an output tensor, and its backward pass.
 *
 * <p>Layers are immutable descriptions. Parameter values and gradients, scratch memory and the tensors saved for
 * the backward pass all live in the {@link Pass} that runs the layer, so one layer object serves training and any
 * number of concurrent inference passes over weight snapshots.
 *
 * <p>Contract of a training pass: {@link #forward} allocates its output from the pass's workspace and
 * {@linkplain Pass#save saves} what {@link #backward} needs; backward then runs in reverse order and
 * {@linkplain Pass#restore restores} exactly what forward saved, in reverse order. Backward <em>overwrites</em> the
 * gradients of the layer's own parameters (a parameter is used once per pass) and returns {@code dL/dx}, or
 * {@code null} when {@code inputGradient} is false (the first layer skips that work). Backward treats {@code dy}
 * as read-only: a {@link Graph} may hand the same gradient to several layers.
 */
public interface Layer {
    /** A named child of a container layer; the name becomes part of its parameters' names. */
    record Child(String name, Layer layer) {
    }

    /**
     * The output shape for an input of shape {@code input}.
     *
     * @throws IllegalArgumentException naming the layer and the expected layout when the input does not fit
     */
    int[] outputShape(int[] input);

    /** The output for {@code x}, allocated from the pass's workspace. */
    Tensor forward(Tensor x, Pass pass);

    /**
     * Back-propagates {@code dy = dL/dy}: writes the gradients of this layer's parameters and returns
     * {@code dL/dx} from the pass's workspace, or {@code null} when {@code inputGradient} is false.
     */
    @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient);

    /** This layer's own parameters (not its children's), in a fixed order. */
    default List<Parameter> parameters() {
        return List.of();
    }

    /** Sub-layers of a container, in a fixed order; empty for a leaf. */
    default List<Child> children() {
        return List.of();
    }
}
