package dev.pixelflow.simd.internal;

/**
 * The validated geometry of a 2-D pooling window (PyTorch {@code MaxPool2d}/{@code AvgPool2d},
 * {@code ceil_mode=false}). Input {@code x[n][c][h][w]}, output {@code y[n][c][oh][ow]} with
 * {@code oh = (h + 2*padH - dilH*(kh-1) - 1) / strideH + 1}. Max pooling treats padding as -infinity;
 * average pooling divides by {@code kh*kw} when {@code countIncludePad} (PyTorch's default), else by the
 * number of in-image elements of the window. Dilation applies to max pooling only (1 for average).
 */
public record PoolGeometry(
        int n, int c, int h, int w,
        int kh, int kw, int strideH, int strideW, int padH, int padW, int dilH, int dilW,
        boolean countIncludePad,
        int oh, int ow) {

    public long inputSize() {
        return (long) n * c * h * w;
    }

    public long outputSize() {
        return (long) n * c * oh * ow;
    }
}
