package dev.pixelflow.simd.learning;

import dev.pixelflow.simd.Tensor;

/**
 * A square two-colour image of two interleaved spiral arms, as a classification data set: one sample per pixel,
 * input the pixel centre's coordinates scaled to [-1, 1] ({@code [S*S, 2]}, x then y, row-major pixel order),
 * target the colour class 0 or 1 as an integral float ({@code [S*S]}).
 *
 * <p>Colour = {@code sin(2 theta - turns * 2 pi * r) > 0} with {@code theta} the polar angle and {@code r} the
 * radius of the pixel centre: two arms that wind {@code turns} times from the centre to the edge. The boundary
 * curves everywhere and gets tighter towards the centre, which is what a single narrow ReLU layer cannot follow.
 */
final class TwoArmSpiral {
    private TwoArmSpiral() {
    }

    /** The colour class (0 or 1) at coordinates {@code (x, y)} in [-1, 1]. */
    static int colour(double x, double y, double turns) {
        double r = Math.sqrt(x * x + y * y);
        double theta = Math.atan2(y, x);
        return Math.sin(2 * theta - turns * 2 * Math.PI * r) > 0 ? 1 : 0;
    }

    /** Pixel-centre coordinates of a {@code size x size} image, {@code [size*size, 2]}. */
    static Tensor coordinates(int size) {
        float[] xy = new float[2 * size * size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                int p = i * size + j;
                xy[2 * p] = (float) ((j + 0.5) / size * 2 - 1);
                xy[2 * p + 1] = (float) ((i + 0.5) / size * 2 - 1);
            }
        }
        return Tensor.of(xy, size * size, 2);
    }

    /** Colour classes of the pixels of {@code coordinates} ({@code [N, 2]}), {@code [N]}. */
    static Tensor colours(Tensor coordinates, double turns) {
        int n = coordinates.dim(0);
        float[] c = new float[n];
        for (int p = 0; p < n; p++) {
            c[p] = colour(coordinates.get(p, 0), coordinates.get(p, 1), turns);
        }
        return Tensor.of(c, n);
    }
}
