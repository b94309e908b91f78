package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Bilinear resizing, PyTorch {@code nn.Upsample(mode='bilinear', align_corners=False)}: input {@code [B, C, H, W]},
 * output {@code [B, C, H', W']} with either {@code H' = H * scaleH, W' = W * scaleW} for integer scale factors
 * ({@link #scale}) or a fixed size {@code H' x W'} ({@link #toSize}). Source coordinates are
 * {@code (dst + 0.5) * H / H' - 0.5}, clamped at 0; with integer factors this is exactly PyTorch's
 * {@code scale_factor} behaviour. A fixed size may also shrink the image. No parameters.
 */
public final class Upsample implements Layer {
    private final int scaleH;
    private final int scaleW;
    private final int height;
    private final int width;

    private Upsample(int scaleH, int scaleW, int height, int width) {
        this.scaleH = scaleH;
        this.scaleW = scaleW;
        this.height = height;
        this.width = width;
    }

    /** Multiplies H and W by {@code factor} (>= 1). */
    public static Upsample scale(int factor) {
        return scale(factor, factor);
    }

    /** Multiplies H by {@code factorH} and W by {@code factorW} (both >= 1). */
    public static Upsample scale(int factorH, int factorW) {
        if (factorH < 1 || factorW < 1) {
            throw new IllegalArgumentException("Upsample scale factors must be >= 1, got " + factorH + "x" + factorW);
        }
        return new Upsample(factorH, factorW, 0, 0);
    }

    /** Resizes every input to {@code height x width} (both >= 1). */
    public static Upsample toSize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("Upsample size must be >= 1, got " + height + "x" + width);
        }
        return new Upsample(0, 0, height, width);
    }

    @Override
    public int[] outputShape(int[] input) {
        Shapes.requireImages(this, input);
        if (height > 0) {
            return new int[] {input[0], input[1], height, width};
        }
        long oh = (long) input[2] * scaleH;
        long ow = (long) input[3] * scaleW;
        if (oh * ow > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(this + ": output " + oh + "x" + ow + " is too large");
        }
        return new int[] {input[0], input[1], (int) oh, (int) ow};
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        Tensor y = pass.take(outputShape(x.shape()));
        pass.ops().upsampleBilinear(x, y);
        pass.save(x); // for dx's shape
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor x = pass.restore();
        if (!inputGradient) {
            return null;
        }
        Tensor dx = pass.take(x.shape());
        pass.ops().upsampleBilinearBackward(dy, dx);
        return dx;
    }

    @Override
    public String toString() {
        return height > 0 ? "Upsample(bilinear, to " + height + "x" + width + ")"
                : "Upsample(bilinear, x" + scaleH + (scaleH == scaleW ? "" : "x" + scaleW) + ")";
    }
}
