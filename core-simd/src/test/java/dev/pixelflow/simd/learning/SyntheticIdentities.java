package dev.pixelflow.simd.learning;

import dev.pixelflow.simd.Tensor;
import java.util.SplittableRandom;

/**
 * Generated identities for metric learning: 3-channel {@code S x S} images, values roughly in [0, 1].
 *
 * <p>Each identity is a fixed random composition: a background colour, a stripe texture (orientation, frequency and
 * per-channel amplitude) and three shapes (disks or squares with their own colour, position and size). Every frame
 * of an identity varies by a nuisance transform: a shift of up to {@code maxShift} pixels in each direction,
 * contrast gain in [0.8, 1.2], brightness offset in [-0.1, 0.1] and Gaussian pixel noise (sigma 0.05).
 */
final class SyntheticIdentities {
    private static final int SHAPES = 3;

    private final int size;
    private final int maxShift;
    private final float[][] background;
    private final double[] stripeAngle;
    private final double[] stripeFrequency;
    private final float[][] stripeAmplitude;
    private final boolean[][] disk;
    private final double[][] centerY;
    private final double[][] centerX;
    private final double[][] radius;
    private final float[][][] colour;

    /** {@code count} identities drawn from {@code seed}, for {@code size x size} frames. */
    SyntheticIdentities(int count, int size, int maxShift, long seed) {
        this.size = size;
        this.maxShift = maxShift;
        SplittableRandom r = new SplittableRandom(seed);
        background = new float[count][];
        stripeAngle = new double[count];
        stripeFrequency = new double[count];
        stripeAmplitude = new float[count][];
        disk = new boolean[count][SHAPES];
        centerY = new double[count][SHAPES];
        centerX = new double[count][SHAPES];
        radius = new double[count][SHAPES];
        colour = new float[count][SHAPES][];
        for (int id = 0; id < count; id++) {
            background[id] = rgb(r, 0.1, 0.5);
            stripeAngle[id] = r.nextDouble() * Math.PI;
            stripeFrequency[id] = 0.3 + 0.6 * r.nextDouble();
            stripeAmplitude[id] = rgb(r, 0, 0.15);
            for (int k = 0; k < SHAPES; k++) {
                disk[id][k] = r.nextBoolean();
                centerY[id][k] = 0.2 * size + r.nextDouble() * 0.6 * size;
                centerX[id][k] = 0.2 * size + r.nextDouble() * 0.6 * size;
                radius[id][k] = 0.08 * size + r.nextDouble() * 0.14 * size;
                colour[id][k] = rgb(r, 0.2, 0.8);
            }
        }
    }

    int count() {
        return background.length;
    }

    /** Renders a fresh nuisance-varied frame of {@code id} into sample {@code n} of {@code x [N, 3, S, S]}. */
    void render(int id, Tensor x, int n, SplittableRandom r) {
        int dy = r.nextInt(2 * maxShift + 1) - maxShift;
        int dx = r.nextInt(2 * maxShift + 1) - maxShift;
        double gain = 0.8 + 0.4 * r.nextDouble();
        double offset = -0.1 + 0.2 * r.nextDouble();
        double cos = Math.cos(stripeAngle[id]);
        double sin = Math.sin(stripeAngle[id]);
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                // Evaluate the identity's pattern at the shifted position, so shapes and stripes move together.
                double y = i - dy;
                double xx = j - dx;
                float[] c = background[id];
                for (int k = 0; k < SHAPES; k++) {
                    double ey = Math.abs(y - centerY[id][k]);
                    double ex = Math.abs(xx - centerX[id][k]);
                    double rr = radius[id][k];
                    if (disk[id][k] ? ey * ey + ex * ex <= rr * rr : ey <= rr && ex <= rr) {
                        c = colour[id][k];
                    }
                }
                double stripe = Math.sin(stripeFrequency[id] * (y * cos + xx * sin));
                for (int ch = 0; ch < 3; ch++) {
                    double v = c[ch] + stripeAmplitude[id][ch] * stripe;
                    v = gain * v + offset + 0.05 * gaussian(r);
                    x.set((float) v, n, ch, i, j);
                }
            }
        }
    }

    private static float[] rgb(SplittableRandom r, double lo, double hi) {
        return new float[] {(float) (lo + (hi - lo) * r.nextDouble()), (float) (lo + (hi - lo) * r.nextDouble()),
                (float) (lo + (hi - lo) * r.nextDouble())};
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
