package dev.pixelflow.simd.optim;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.nn.Initializer;
import dev.pixelflow.simd.nn.Layer;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.Parameter;
import dev.pixelflow.simd.nn.Pass;
import java.util.List;

/** A test layer that only holds parameters: a decaying weight and a non-decaying bias. Never run. */
final class VectorLayer implements Layer {
    private final Parameter weight;
    private final Parameter bias;

    VectorLayer(int weights, int biases) {
        this.weight = Parameter.of("weight", Initializer.uniform(-1, 1), true, weights);
        this.bias = Parameter.of("bias", Initializer.uniform(-1, 1), false, biases);
    }

    static Model model(int weights, int biases) {
        return Model.create(new VectorLayer(weights, biases), 1);
    }

    @Override
    public int[] outputShape(int[] input) {
        return input.clone();
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        return x;
    }

    @Override
    public Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        return dy;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
