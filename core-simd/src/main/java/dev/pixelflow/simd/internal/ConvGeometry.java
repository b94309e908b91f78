package dev.pixelflow.simd.internal;

/**
 * The validated geometry of one 2-D convolution (PyTorch {@code Conv2d} semantics: cross-correlation).
 *
 * <p>Layouts: input {@code x[n][cin][h][w]}, weight {@code w[cout][cin/groups][kh][kw]}, bias
 * {@code b[cout]}, output {@code y[n][cout][oh][ow]} with
 * {@code oh = (h + 2*padH - dilH*(kh-1) - 1) / strideH + 1} (and the same for the width).
 * Built only by the public facade, which checks every field; kernels only assert.
 */
public record ConvGeometry(
        int n, int cin, int h, int w,
        int cout, int kh, int kw,
        int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups,
        int oh, int ow) {

    /** Input channels per group. */
    public int cinG() {
        return cin / groups;
    }

    /** Output channels per group. */
    public int coutG() {
        return cout / groups;
    }

    /** Length of one im2col column: {@code cin/groups * kh * kw}. */
    public int patch() {
        return cinG() * kh * kw;
    }

    public long inputSize() {
        return (long) n * cin * h * w;
    }

    public long outputSize() {
        return (long) n * cout * oh * ow;
    }

    public long weightSize() {
        return (long) cout * cinG() * kh * kw;
    }

    /** Multiply-adds of the forward pass (one multiply-add = 2 flops). */
    public long macs() {
        return (long) n * cout * oh * ow * patch();
    }
}
