package dev.pixelflow.simd.loss;

import java.util.Arrays;

/**
 * How per-class pixel counts {@code n_c} (C classes, {@code N = sum n_c}) become loss weights {@code w_c}.
 *
 * <p>Every weight is clamped to at most {@code cap}, and a class with {@code n_c = 0} gets exactly
 * {@code cap}: without the cap a class that is absent (or very rare) in the stream so far would get an
 * infinite (or huge) weight and dominate the loss the moment it appears.
 */
public enum ClassWeightRule {
    /**
     * {@code w_c = N / (C * n_c)}: scikit-learn's {@code compute_class_weight("balanced")}. C is the
     * configured number of classes, absent ones included (scikit-learn would reject an absent class).
     */
    INVERSE {
        @Override
        void compute(double[] counts, double total, float cap, float[] out) {
            int c = counts.length;
            for (int i = 0; i < c; i++) {
                out[i] = capped(total / (c * counts[i]), cap);
            }
        }
    },
    /**
     * Median frequency balancing (Eigen and Fergus; SegNet): {@code f_c = n_c / N},
     * {@code w_c = median_f / f_c}. As in SegNet the median is taken over the frequencies of the classes
     * <em>present</em> ({@code n_c > 0}) only, so absent classes do not drag it to zero; for an even number
     * of present classes it is the mean of the two middle frequencies (NumPy's median). Absent classes
     * get the cap.
     */
    MEDIAN_FREQUENCY {
        @Override
        void compute(double[] counts, double total, float cap, float[] out) {
            double[] present = Arrays.stream(counts).filter(n -> n > 0).map(n -> n / total).sorted().toArray();
            int m = present.length;
            double median = (m % 2 == 1) ? present[m / 2] : 0.5 * (present[m / 2 - 1] + present[m / 2]);
            for (int i = 0; i < counts.length; i++) {
                out[i] = capped(median / (counts[i] / total), cap);
            }
        }
    },
    /**
     * Binary only (C = 2, class 0 background, class 1 object): background weight 1, object weight
     * {@code n_0 / n_1} (background pixels per object pixel), capped. If no background pixel was seen the
     * object weight is the literal quotient 0.
     */
    OBJECT_QUOTIENT {
        @Override
        void compute(double[] counts, double total, float cap, float[] out) {
            if (counts.length != 2) {
                throw new IllegalArgumentException(
                        "OBJECT_QUOTIENT needs exactly 2 classes (background 0, object 1), got " + counts.length);
            }
            out[0] = capped(1.0, cap);
            out[1] = capped(counts[0] / counts[1], cap);
        }
    };

    /**
     * Weights for the given counts. Requires at least one counted pixel.
     *
     * @throws IllegalArgumentException for a negative or non-finite count, a cap below 1 or not finite, or
     *     (OBJECT_QUOTIENT) a class count other than 2
     * @throws IllegalStateException when all counts are 0 (no pixel seen yet: there is no frequency)
     */
    public float[] weights(double[] counts, float cap) {
        checkCap(cap);
        double total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (!(counts[i] >= 0) || Double.isInfinite(counts[i])) {
                throw new IllegalArgumentException("count of class " + i + " is " + counts[i]
                        + "; counts must be finite and >= 0");
            }
            total += counts[i];
        }
        if (counts.length == 0) {
            throw new IllegalArgumentException("no classes: counts is empty");
        }
        if (total == 0) {
            throw new IllegalStateException("no pixels counted yet: cannot derive " + this + " weights from all-zero counts");
        }
        float[] out = new float[counts.length];
        compute(counts, total, cap, out);
        return out;
    }

    abstract void compute(double[] counts, double total, float cap, float[] out);

    static void checkCap(float cap) {
        if (!(cap >= 1f) || Float.isInfinite(cap)) {
            throw new IllegalArgumentException("cap must be finite and >= 1, got " + cap);
        }
    }

    /** min(w, cap); a division by a zero count gives +Infinity here, so absent classes land on the cap. */
    private static float capped(double w, float cap) {
        return (float) Math.min(w, cap);
    }
}
