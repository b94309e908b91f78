package dev.pixelflow.simd;

/**
 * A 2-D pooling window with PyTorch's meaning ({@code ceil_mode=false}).
 *
 * <p>Output size: {@code out = floor((in + 2*padding - dilation*(kernel-1) - 1) / stride) + 1}. Padding must
 * be at most half the kernel (PyTorch's rule). Max pooling pads with -infinity; average pooling divides by
 * the full window ({@code countIncludePad}, PyTorch's default) or by the in-image part of it. Dilation is
 * for max pooling only.
 */
public record Pool2dSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                         int dilationH, int dilationW, boolean countIncludePad) {

    public Pool2dSpec {
        require(kernelH >= 1 && kernelW >= 1, "pooling kernel must be >= 1, got " + kernelH + "x" + kernelW);
        require(strideH >= 1 && strideW >= 1, "pooling stride must be >= 1, got " + strideH + "x" + strideW);
        require(padH >= 0 && padW >= 0, "pooling padding must be >= 0, got " + padH + "x" + padW);
        require(padH <= kernelH / 2 && padW <= kernelW / 2,
                "pooling padding " + padH + "x" + padW + " must be at most half the kernel " + kernelH + "x" + kernelW);
        require(dilationH >= 1 && dilationW >= 1, "pooling dilation must be >= 1, got " + dilationH + "x" + dilationW);
    }

    /** A square window whose stride equals its size (the usual 2x2/2 down-sampling). */
    public static Pool2dSpec of(int kernel) {
        return new Pool2dSpec(kernel, kernel, kernel, kernel, 0, 0, 1, 1, true);
    }

    /** A square window with the given stride and padding. */
    public static Pool2dSpec of(int kernel, int stride, int padding) {
        return new Pool2dSpec(kernel, kernel, stride, stride, padding, padding, 1, 1, true);
    }

    public Pool2dSpec withDilation(int d) {
        return new Pool2dSpec(kernelH, kernelW, strideH, strideW, padH, padW, d, d, countIncludePad);
    }

    public Pool2dSpec withCountIncludePad(boolean include) {
        return new Pool2dSpec(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, include);
    }

    public int outputHeight(int h) {
        return Conv2dSpec.convOut(h, kernelH, strideH, padH, dilationH);
    }

    public int outputWidth(int w) {
        return Conv2dSpec.convOut(w, kernelW, strideW, padW, dilationW);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
