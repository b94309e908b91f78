package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Flattens each sample: input {@code [B, d1, ..., dn]} (rank >= 2), output {@code [B, d1*...*dn]}. The output is a
 * reshaped view of the input (no copy), and the input gradient a reshaped view of the output gradient.
 */
public final class Flatten implements Layer {
    private Flatten() {
    }

    public static Flatten create() {
        return new Flatten();
    }

    @Override
    public int[] outputShape(int[] input) {
        Shapes.requireBatch(this, input);
        return new int[] {input[0], Shapes.features(this, input)};
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        int[] s = outputShape(x.shape());
        pass.save(x); // for dx's shape
        return x.reshape(s);
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor x = pass.restore();
        return inputGradient ? dy.reshape(x.shape()) : null;
    }

    @Override
    public String toString() {
        return "Flatten";
    }
}
