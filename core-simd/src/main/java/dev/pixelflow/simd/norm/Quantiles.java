package dev.pixelflow.simd.norm;

/** Quantiles of sorted data. */
final class Quantiles {
    private Quantiles() {
    }

    /**
     * numpy's default ({@code method="linear"}) quantile of ascending {@code sorted}:
     * {@code h = (n - 1) q}, {@code v = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])}, in double.
     */
    static double linear(float[] sorted, double q) {
        int n = sorted.length;
        double h = (n - 1) * q;
        int lo = (int) Math.floor(h);
        if (lo >= n - 1) {
            return sorted[n - 1];
        }
        double frac = h - lo;
        double a = sorted[lo];
        double b = sorted[lo + 1];
        return a + frac * (b - a);
    }
}
