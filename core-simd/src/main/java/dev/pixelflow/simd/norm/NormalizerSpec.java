package dev.pixelflow.simd.norm;

import java.util.Objects;

/**
 * What a {@link Normalizer} computes: method, scope and options.
 *
 * @param method    the formula
 * @param scope     which values share statistics
 * @param eps       added to the std by {@link NormMethod#Z_SCORE} (>= 0; ignored otherwise)
 * @param rangeLo   lower end {@code a} of the {@link NormMethod#MIN_MAX} target range (default 0)
 * @param rangeHi   upper end {@code b} of the {@link NormMethod#MIN_MAX} target range (default 1), {@code b > a}
 * @param quantileLo lower quantile of {@link NormMethod#QUANTILE} in [0, 1] (default 0.05)
 * @param quantileHi upper quantile in [0, 1] (default 0.95), {@code quantileLo < quantileHi}
 * @param clip      {@link NormMethod#QUANTILE} only: clip the result to [0, 1] (not invertible outside)
 */
public record NormalizerSpec(NormMethod method, NormScope scope, double eps, double rangeLo, double rangeHi,
                             double quantileLo, double quantileHi, boolean clip) {

    public NormalizerSpec {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(scope, "scope");
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
        }
        if (!Double.isFinite(rangeLo) || !Double.isFinite(rangeHi) || !(rangeLo < rangeHi)) {
            throw new IllegalArgumentException("target range must be finite with lo < hi, got ["
                    + rangeLo + ", " + rangeHi + "]");
        }
        if (!(quantileLo >= 0 && quantileLo <= 1) || !(quantileHi >= 0 && quantileHi <= 1)) {
            throw new IllegalArgumentException("quantiles must lie in [0, 1], got lo = " + quantileLo
                    + ", hi = " + quantileHi);
        }
        if (!(quantileLo < quantileHi)) {
            throw new IllegalArgumentException("quantile lo must be < hi, got lo = " + quantileLo
                    + ", hi = " + quantileHi);
        }
        if (clip && method != NormMethod.QUANTILE) {
            throw new IllegalArgumentException("clip applies to QUANTILE only, method is " + method);
        }
        if (method != NormMethod.MIN_MAX && (rangeLo != 0 || rangeHi != 1)) {
            throw new IllegalArgumentException("a target range applies to MIN_MAX only, method is " + method);
        }
    }

    public static Builder builder(NormMethod method) {
        return new Builder(method);
    }

    /** Z-score with population std, eps 0. */
    public static NormalizerSpec zScore(NormScope scope) {
        return builder(NormMethod.Z_SCORE).scope(scope).build();
    }

    /** Min-max to [0, 1]. */
    public static NormalizerSpec minMax(NormScope scope) {
        return builder(NormMethod.MIN_MAX).scope(scope).build();
    }

    /** Quantile 5% / 95%, no clipping. */
    public static NormalizerSpec quantile(NormScope scope) {
        return builder(NormMethod.QUANTILE).scope(scope).build();
    }

    /** Lower end of the output range the affine part maps to (0 except for min-max). */
    double outLo() {
        return method == NormMethod.MIN_MAX ? rangeLo : 0.0;
    }

    /** Width of the output range (1 except for min-max). */
    double outSpan() {
        return method == NormMethod.MIN_MAX ? rangeHi - rangeLo : 1.0;
    }

    /** Builder with defaults: scope PER_CHANNEL, eps 0, range [0, 1], quantiles 0.05 / 0.95, no clip. */
    public static final class Builder {
        private final NormMethod method;
        private NormScope scope = NormScope.PER_CHANNEL;
        private double eps;
        private double rangeLo;
        private double rangeHi = 1;
        private double quantileLo = 0.05;
        private double quantileHi = 0.95;
        private boolean clip;

        private Builder(NormMethod method) {
            this.method = Objects.requireNonNull(method, "method");
        }

        public Builder scope(NormScope scope) {
            this.scope = scope;
            return this;
        }

        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        public Builder range(double lo, double hi) {
            this.rangeLo = lo;
            this.rangeHi = hi;
            return this;
        }

        public Builder quantiles(double lo, double hi) {
            this.quantileLo = lo;
            this.quantileHi = hi;
            return this;
        }

        public Builder clip(boolean clip) {
            this.clip = clip;
            return this;
        }

        public NormalizerSpec build() {
            return new NormalizerSpec(method, scope, eps, rangeLo, rangeHi, quantileLo, quantileHi, clip);
        }
    }
}
