package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Pool2dSpec;
import dev.pixelflow.simd.Tensor;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Max pooling, PyTorch {@code nn.MaxPool2d} ({@code ceil_mode=False}): input {@code [B, C, H, W]}, output
 * {@code [B, C, H', W']} with {@code H' = floor((H + 2*padH - dilH*(kH-1) - 1) / strideH) + 1} (W alike); padding
 * counts as -infinity. The gradient goes to the first maximum of each window.
 */
public final class MaxPool2d implements Layer {
    private final Pool2dSpec spec;

    private MaxPool2d(Pool2dSpec spec) {
        this.spec = spec;
    }

    /** A pooling window described by {@code spec}. */
    public static MaxPool2d of(Pool2dSpec spec) {
        return new MaxPool2d(Objects.requireNonNull(spec, "spec"));
    }

    /** A square {@code kernel x kernel} window with stride {@code kernel} (2 halves H and W, rounding down). */
    public static MaxPool2d of(int kernel) {
        return of(Pool2dSpec.of(kernel));
    }

    /** A square window with the given stride and padding. */
    public static MaxPool2d of(int kernel, int stride, int padding) {
        return of(Pool2dSpec.of(kernel, stride, padding));
    }

    public Pool2dSpec spec() {
        return spec;
    }

    @Override
    public int[] outputShape(int[] input) {
        return Shapes.pooled(this, spec, input);
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        Tensor y = pass.take(outputShape(x.shape()));
        pass.ops().maxPool2d(x, spec, y);
        pass.save(x);
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor x = pass.restore();
        if (!inputGradient) {
            return null;
        }
        Tensor dx = pass.take(x.shape());
        pass.ops().maxPool2dBackward(x, dy, spec, dx);
        return dx;
    }

    @Override
    public String toString() {
        return Shapes.window("MaxPool2d", spec) + ")";
    }
}
