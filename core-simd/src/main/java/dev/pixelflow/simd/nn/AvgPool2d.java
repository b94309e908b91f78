package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Pool2dSpec;
import dev.pixelflow.simd.Tensor;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Average pooling, PyTorch {@code nn.AvgPool2d} ({@code ceil_mode=False}): input {@code [B, C, H, W]}, output
 * {@code [B, C, H', W']} with {@code H' = floor((H + 2*padH - kH) / strideH) + 1} (W alike). Each output is the sum
 * of its window divided by the full window size ({@code countIncludePad}, PyTorch's default) or by the number of
 * in-image elements. No dilation.
 */
public final class AvgPool2d implements Layer {
    private final Pool2dSpec spec;

    private AvgPool2d(Pool2dSpec spec) {
        this.spec = spec;
    }

    /** A pooling window described by {@code spec} (dilation must be 1). */
    public static AvgPool2d of(Pool2dSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.dilationH() != 1 || spec.dilationW() != 1) {
            throw new IllegalArgumentException("AvgPool2d has no dilation, got " + spec.dilationH() + "x"
                    + spec.dilationW());
        }
        return new AvgPool2d(spec);
    }

    /** A square {@code kernel x kernel} window with stride {@code kernel}. */
    public static AvgPool2d of(int kernel) {
        return of(Pool2dSpec.of(kernel));
    }

    /** A square window with the given stride and padding (padding counted in the divisor). */
    public static AvgPool2d of(int kernel, int stride, int padding) {
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
        pass.ops().avgPool2d(x, spec, y);
        pass.save(x); // only its shape is needed; saving the reference costs nothing
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor x = pass.restore();
        if (!inputGradient) {
            return null;
        }
        Tensor dx = pass.take(x.shape());
        pass.ops().avgPool2dBackward(dy, spec, dx);
        return dx;
    }

    @Override
    public String toString() {
        return Shapes.window("AvgPool2d", spec) + (spec.countIncludePad() ? "" : ", exclude padding") + ")";
    }
}
