package dev.pixelflow.simd.internal;

/**
 * Bilinear resize of {@code x[n][c][h][w]} to {@code y[n][c][oh][ow]} with PyTorch's
 * {@code align_corners=false} rule: source coordinate {@code (dst + 0.5) * (h / oh) - 0.5}, clamped below at
 * 0; the upper neighbour is clamped to the last row/column.
 */
public record UpsampleGeometry(int n, int c, int h, int w, int oh, int ow) {

    public long inputSize() {
        return (long) n * c * h * w;
    }

    public long outputSize() {
        return (long) n * c * oh * ow;
    }
}
