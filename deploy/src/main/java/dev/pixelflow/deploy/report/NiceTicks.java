package dev.pixelflow.deploy.report;

import java.util.Locale;

/**
 * "Nice" axis ticks (Heckbert): a step of 1, 2 or 5 times a power of ten giving about {@code target} ticks,
 * and the data range widened outward to multiples of that step.
 *
 * @param lo       axis start (a multiple of {@code step}, or the fixed lower bound)
 * @param hi       axis end
 * @param step     distance between ticks, &gt; 0
 * @param decimals digits after the decimal point that tell the ticks apart
 */
record NiceTicks(double lo, double hi, double step, int decimals) {

    /** Data beyond +-LIMIT is drawn as if at the limit; ranges narrower than TINY count as constant. */
    private static final double LIMIT = 1e300;
    private static final double TINY = 1e-290;

    /** Ticks covering {@code [min, max]}; a zero-width or non-finite range is widened first. */
    static NiceTicks covering(double min, double max, int target) {
        double[] r = widen(min, max);
        double step = niceNumber((r[1] - r[0]) / Math.max(1, target - 1));
        double lo = Math.floor(r[0] / step) * step;
        double hi = Math.ceil(r[1] / step) * step;
        return new NiceTicks(lo, hi, step, decimalsFor(step));
    }

    /** Ticks inside the fixed range {@code [lo, hi]} (the axis is not widened). */
    static NiceTicks within(double lo, double hi, int target) {
        double[] r = widen(lo, hi);
        double step = niceNumber((r[1] - r[0]) / Math.max(1, target - 1));
        return new NiceTicks(r[0], r[1], step, decimalsFor(step));
    }

    /** Tick values from the first multiple of {@code step} at or above {@code lo} up to {@code hi}. */
    double[] values() {
        double first = Math.ceil(lo / step - 1e-9) * step;
        int n = (int) Math.floor((hi - first) / step + 1e-9) + 1;
        n = Math.max(0, Math.min(n, 1000));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = first + i * step;
        }
        return v;
    }

    /** The tick label: fixed decimals, no "-0". */
    String label(double value) {
        double v = Math.abs(value) < step * 1e-6 ? 0.0 : value;
        if (Math.abs(v) >= 1e7 || decimals > 6) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static double[] widen(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            return new double[] {0, 1};
        }
        if (max < min) {
            double t = min;
            min = max;
            max = t;
        }
        // Keep the width and the tick step finite and normal, whatever the data.
        min = Math.clamp(min, -LIMIT, LIMIT);
        max = Math.clamp(max, -LIMIT, LIMIT);
        double magnitude = Math.max(Math.abs(min), Math.abs(max));
        if (max - min <= magnitude * 1e-12 || max - min < TINY) {
            // A constant: a band of +-10 % of the value (or +-1 around zero) centred on it.
            double pad = magnitude < TINY ? 1 : magnitude * 0.1;
            return new double[] {min - pad, max + pad};
        }
        return new double[] {min, max};
    }

    /** The 1, 2, 5 or 10 times a power of ten nearest to {@code x} (x &gt; 0). */
    private static double niceNumber(double x) {
        double exp = Math.floor(Math.log10(x));
        double f = x / Math.pow(10, exp);
        double nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
        return nf * Math.pow(10, exp);
    }

    private static int decimalsFor(double step) {
        return Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
    }
}
