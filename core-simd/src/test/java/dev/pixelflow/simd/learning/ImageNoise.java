package dev.pixelflow.simd.learning;

import dev.pixelflow.simd.Tensor;
import java.util.SplittableRandom;

/**
 * Corrupts clean images: additive Gaussian noise of standard deviation {@code sigma} on every pixel, then
 * salt-and-pepper outliers (a {@code fraction} of pixels set to 0 or 1 with equal odds). Values are not clipped,
 * as a sensor's raw noisy readings need not be.
 */
final class ImageNoise {
    private ImageNoise() {
    }

    /** Writes the corrupted {@code clean} into {@code noisy} (same shape). */
    static void corrupt(Tensor clean, Tensor noisy, double sigma, double fraction, SplittableRandom r) {
        for (long i = 0; i < clean.size(); i++) {
            double v = clean.getFlat(i) + sigma * gaussian(r);
            if (r.nextDouble() < fraction) {
                v = r.nextBoolean() ? 1 : 0;
            }
            noisy.setFlat(i, (float) v);
        }
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller, so the noise does not depend on the JDK's nextGaussian algorithm
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
