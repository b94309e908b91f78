package dev.pixelflow.simd.nn;

import java.util.SplittableRandom;

/** Standard normal draws from a {@link SplittableRandom} (Box-Muller; one value per call, no shared state). */
final class Gaussian {
    private Gaussian() {
    }

    static double next(SplittableRandom r) {
        double u = 1.0 - r.nextDouble(); // (0, 1]: log(u) is finite
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
