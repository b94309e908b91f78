package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Pool2dSpec;
import dev.pixelflow.simd.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Global average pooling: input {@code [B, C, H, W]}, output {@code [B, C]} with
 * {@code y[b, c] = mean over (h, w) of x[b, c, h, w]} (PyTorch {@code AdaptiveAvgPool2d(1)} followed by a flatten).
 * No parameters.
 */
public final class GlobalAvgPool implements Layer {
    private GlobalAvgPool() {
    }

    public static GlobalAvgPool create() {
        return new GlobalAvgPool();
    }

    @Override
    public int[] outputShape(int[] input) {
        Shapes.requireImages(this, input);
        return new int[] {input[0], input[1]};
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        int[] s = outputShape(x.shape());
        Tensor y = pass.take(s[0], s[1], 1, 1);
        pass.ops().avgPool2d(x, window(x), y);
        pass.save(x); // for dx's shape
        return y.reshape(s);
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor x = pass.restore();
        if (!inputGradient) {
            return null;
        }
        Tensor dx = pass.take(x.shape());
        pass.ops().avgPool2dBackward(dy.reshape(x.dim(0), x.dim(1), 1, 1), window(x), dx);
        return dx;
    }

    /** One window covering the whole image. */
    private static Pool2dSpec window(Tensor x) {
        int h = x.dim(2);
        int w = x.dim(3);
        return new Pool2dSpec(h, w, h, w, 0, 0, 1, 1, true);
    }

    @Override
    public String toString() {
        return "GlobalAvgPool";
    }
}
