package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.Tensor;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An elementwise activation (ReLU, leaky ReLU, sigmoid, tanh, identity) as a layer; any shape in, the same shape
 * out. Identity passes its input and gradient through untouched (an explicit linear output layer).
 */
public final class ActivationLayer implements Layer {
    private final Activation activation;

    private ActivationLayer(Activation activation) {
        this.activation = activation;
    }

    public static ActivationLayer of(Activation activation) {
        return new ActivationLayer(Objects.requireNonNull(activation, "activation"));
    }

    public static ActivationLayer relu() {
        return of(Activation.RELU);
    }

    public static ActivationLayer sigmoid() {
        return of(Activation.SIGMOID);
    }

    public static ActivationLayer tanh() {
        return of(Activation.TANH);
    }

    public static ActivationLayer identity() {
        return of(Activation.IDENTITY);
    }

    public Activation activation() {
        return activation;
    }

    @Override
    public int[] outputShape(int[] input) {
        return input.clone();
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        if (activation.kind() == Activation.Kind.IDENTITY) {
            return x;
        }
        Tensor y = pass.take(x.shape());
        pass.ops().activation(activation, x, y);
        pass.save(x);
        pass.save(y);
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        if (activation.kind() == Activation.Kind.IDENTITY) {
            return inputGradient ? dy : null;
        }
        Tensor y = pass.restore();
        Tensor x = pass.restore();
        if (!inputGradient) {
            return null;
        }
        Tensor dx = pass.take(x.shape());
        pass.ops().activationBackward(activation, x, y, dy, dx);
        return dx;
    }

    @Override
    public String toString() {
        return activation.toString();
    }
}
