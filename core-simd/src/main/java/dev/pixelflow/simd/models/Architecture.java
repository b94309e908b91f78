package dev.pixelflow.simd.models;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.nn.Layer;
import dev.pixelflow.simd.nn.Pass;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Base of the ready-made networks: a named architecture around an inner network. It checks the input against the
 * architecture's own requirements first (so errors speak of the architecture, not of an inner node) and otherwise
 * delegates; the inner network's children become its children, so parameter names are those of the inner graph.
 */
abstract class Architecture implements Layer {
    private final Layer net;

    Architecture(Layer net) {
        this.net = net;
    }

    /** Throws an IllegalArgumentException naming the architecture when {@code input} does not fit it. */
    abstract void checkInput(int[] input);

    @Override
    public final int[] outputShape(int[] input) {
        checkInput(input);
        return net.outputShape(input);
    }

    @Override
    public final Tensor forward(Tensor x, Pass pass) {
        return net.forward(x, pass);
    }

    @Override
    public final @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        return net.backward(dy, pass, inputGradient);
    }

    @Override
    public final List<Child> children() {
        return List.of(new Child("net", net));
    }
}
