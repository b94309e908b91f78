package dev.pixelflow.simd.models;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.nn.ActivationLayer;
import dev.pixelflow.simd.nn.Dense;
import dev.pixelflow.simd.nn.Layer;
import dev.pixelflow.simd.nn.Rbf;
import dev.pixelflow.simd.nn.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A multilayer perceptron: input {@code [B, inputs]}, output {@code [B, outputs]} (logits; pair with softmax
 * cross-entropy for classification). Hidden dense layers each followed by the activation; optionally a first
 * hidden layer of RBF units {@code exp(-gamma ||x - c||^2)} instead of a dense one.
 *
 * <p>Example: pixel coordinates to colour classes, {@code Mlp.builder(2, 2).hidden(100, 100, 100).build()}, or
 * with RBF units {@code Mlp.builder(2, 2).rbf(200, 50).hidden(100).build()}.
 */
public final class Mlp extends Architecture {
    private final int inputs;

    private Mlp(Builder b) {
        super(build(b));
        this.inputs = b.inputs;
    }

    /** An MLP from {@code inputs} features to {@code outputs} logits. */
    public static Builder builder(int inputs, int outputs) {
        return new Builder(inputs, outputs);
    }

    @Override
    void checkInput(int[] input) {
        if (input.length != 2 || input[1] != inputs) {
            throw new IllegalArgumentException("Mlp expects [B, " + inputs + "], got " + Arrays.toString(input));
        }
    }

    private static Layer build(Builder b) {
        List<Layer> l = new ArrayList<>();
        int f = b.inputs;
        if (b.rbfUnits > 0) {
            l.add(Rbf.builder(f, b.rbfUnits).gamma(b.rbfGamma).build());
            f = b.rbfUnits;
        }
        for (int h : b.hidden) {
            l.add(Dense.of(f, h));
            l.add(ActivationLayer.of(b.activation));
            f = h;
        }
        l.add(Dense.builder(f, b.outputs).xavier().build());
        return Sequential.of(l);
    }

    @Override
    public String toString() {
        return "Mlp";
    }

    /** Options; defaults: no hidden layer, ReLU, no RBF layer. */
    public static final class Builder {
        private final int inputs;
        private final int outputs;
        private int[] hidden = {};
        private Activation activation = Activation.RELU;
        private int rbfUnits;
        private double rbfGamma = 1;

        private Builder(int inputs, int outputs) {
            this.inputs = Args.positive("inputs", inputs);
            this.outputs = Args.positive("outputs", outputs);
        }

        /** Widths of the hidden dense layers, in order. */
        public Builder hidden(int... widths) {
            for (int w : widths) {
                Args.positive("hidden width", w);
            }
            this.hidden = widths.clone();
            return this;
        }

        /** Activation after each hidden dense layer (default ReLU). */
        public Builder activation(Activation activation) {
            this.activation = Objects.requireNonNull(activation, "activation");
            return this;
        }

        /** A first hidden layer of {@code units} RBF units with initial {@code gamma} (trainable). */
        public Builder rbf(int units, double gamma) {
            this.rbfUnits = Args.positive("rbf units", units);
            if (!(gamma > 0) || Double.isInfinite(gamma)) {
                throw new IllegalArgumentException("rbf gamma must be finite and > 0, got " + gamma);
            }
            this.rbfGamma = gamma;
            return this;
        }

        public Mlp build() {
            return new Mlp(this);
        }
    }
}
