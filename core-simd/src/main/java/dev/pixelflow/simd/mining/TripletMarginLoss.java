package dev.pixelflow.simd.mining;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.Reduction;
import org.jspecify.annotations.Nullable;

/**
 * Explicit triplets, PyTorch {@code TripletMarginLoss}: for rows i of anchor, positive and negative [B, D],
 * {@code l_i = max(d(a_i, p_i) - d(a_i, n_i) + margin, 0)} with {@code d(x, y) = ||x - y + eps||_p}
 * (eps 1e-6 added to the difference, p-norm); with {@code swap} the negative distance is
 * {@code min(d(a, n), d(p, n))}. Defaults margin 1.0, p 2, eps 1e-6, no swap, MEAN.
 * Alternatively a {@link Distance} replaces the p-norm (like {@code TripletMarginWithDistanceLoss}).
 * Reductions: MEAN, SUM; NONE writes the per-triplet losses and returns their sum.
 */
public final class TripletMarginLoss {
    private final double margin;
    private final double p;
    private final double eps;
    private final boolean swap;
    private final Reduction reduction;
    private final @Nullable Distance distance;

    private TripletMarginLoss(Builder b) {
        this.margin = b.margin;
        this.p = b.p;
        this.eps = b.eps;
        this.swap = b.swap;
        this.reduction = b.reduction;
        this.distance = b.distance;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param anchor [B, D]
     * @param positive [B, D]
     * @param negative [B, D]
     * @param gradAnchor [B, D] or null
     * @param gradPositive [B, D] or null
     * @param gradNegative [B, D] or null
     * @param perTriplet [B] receives the unreduced losses (any reduction), or null
     * @return the reduced loss (NONE: the sum)
     */
    public double forward(Tensor anchor, Tensor positive, Tensor negative, @Nullable Tensor gradAnchor,
            @Nullable Tensor gradPositive, @Nullable Tensor gradNegative, @Nullable Tensor perTriplet) {
        double[] a = Embeddings.read(anchor, "TripletMarginLoss anchor");
        int bsz = anchor.dim(0);
        int d = anchor.dim(1);
        double[] ps = Embeddings.read(positive, "TripletMarginLoss positive");
        double[] ns = Embeddings.read(negative, "TripletMarginLoss negative");
        if (!positive.hasShape(bsz, d) || !negative.hasShape(bsz, d)) {
            throw new IllegalArgumentException("TripletMarginLoss: anchor " + anchor.shapeString() + ", positive "
                    + positive.shapeString() + " and negative " + negative.shapeString() + " must have the same shape");
        }
        if (gradAnchor != null) {
            Embeddings.expect(gradAnchor, "TripletMarginLoss gradAnchor", bsz, d);
        }
        if (gradPositive != null) {
            Embeddings.expect(gradPositive, "TripletMarginLoss gradPositive", bsz, d);
        }
        if (gradNegative != null) {
            Embeddings.expect(gradNegative, "TripletMarginLoss gradNegative", bsz, d);
        }
        if (perTriplet != null) {
            Embeddings.expect(perTriplet, "TripletMarginLoss perTriplet", bsz);
        }
        double scale = reduction == Reduction.MEAN ? 1.0 / bsz : 1.0;
        double[] ga = new double[bsz * d];
        double[] gp = new double[bsz * d];
        double[] gn = new double[bsz * d];
        double[] losses = new double[bsz];
        double sum = 0;
        for (int i = 0; i < bsz; i++) {
            double dap = dist(a, ps, i, d);
            double dan = dist(a, ns, i, d);
            boolean swapped = false;
            if (swap) {
                double dpn = dist(ps, ns, i, d);
                if (dpn < dan) {
                    dan = dpn;
                    swapped = true;
                }
            }
            double l = Math.max(dap - dan + margin, 0);
            losses[i] = l;
            sum += l;
            if (l > 0) {
                grad(a, ps, i, d, dap, scale, ga, gp);
                if (swapped) {
                    grad(ps, ns, i, d, dan, -scale, gp, gn);
                } else {
                    grad(a, ns, i, d, dan, -scale, ga, gn);
                }
            }
        }
        if (gradAnchor != null) {
            Embeddings.write(ga, gradAnchor);
        }
        if (gradPositive != null) {
            Embeddings.write(gp, gradPositive);
        }
        if (gradNegative != null) {
            Embeddings.write(gn, gradNegative);
        }
        if (perTriplet != null) {
            Embeddings.write(losses, perTriplet);
        }
        return reduction == Reduction.MEAN ? sum / bsz : sum;
    }

    private double dist(double[] x, double[] y, int i, int d) {
        if (distance != null) {
            return distance.between(x, i, y, i, d);
        }
        double s = 0;
        int o = i * d;
        for (int k = 0; k < d; k++) {
            double t = Math.abs(x[o + k] - y[o + k] + eps);
            s += p == 2 ? t * t : Math.pow(t, p);
        }
        return p == 2 ? Math.sqrt(s) : Math.pow(s, 1 / p);
    }

    /** Adds {@code g * d dist(x_i, y_i)/dx} to gx and the y part to gy. */
    private void grad(double[] x, double[] y, int i, int d, double dist, double g, double[] gx, double[] gy) {
        if (distance != null) {
            distance.accumulate(x, i, y, i, d, dist, g, gx, gy);
            return;
        }
        if (dist == 0) {
            return; // PyTorch's norm backward gives 0 at the origin
        }
        int o = i * d;
        for (int k = 0; k < d; k++) {
            double v = x[o + k] - y[o + k] + eps;
            double t = p == 2 ? v / dist : Math.signum(v) * Math.pow(Math.abs(v) / dist, p - 1);
            gx[o + k] += g * t;
            gy[o + k] -= g * t;
        }
    }

    public static final class Builder {
        private double margin = 1.0;
        private double p = 2;
        private double eps = 1e-6;
        private boolean swap;
        private Reduction reduction = Reduction.MEAN;
        private @Nullable Distance distance;

        /** Margin (default 1.0). */
        public Builder margin(double margin) {
            BatchTriplets.checkMargin(margin);
            this.margin = margin;
            return this;
        }

        /** Norm degree (default 2), at least 1. */
        public Builder p(double p) {
            if (!(p >= 1) || Double.isInfinite(p)) {
                throw new IllegalArgumentException("p must be finite and >= 1, got " + p);
            }
            this.p = p;
            return this;
        }

        /** Added to each difference before the norm (default 1e-6). */
        public Builder eps(double eps) {
            if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
            }
            this.eps = eps;
            return this;
        }

        /** Distance swap (default false). */
        public Builder swap(boolean swap) {
            this.swap = swap;
            return this;
        }

        /** MEAN (default), SUM or NONE; MEAN_PER_IMAGE is rejected. */
        public Builder reduction(Reduction reduction) {
            if (reduction == null || reduction == Reduction.MEAN_PER_IMAGE) {
                throw new IllegalArgumentException("reduction must be MEAN, SUM or NONE, got " + reduction);
            }
            this.reduction = reduction;
            return this;
        }

        /** Replace the p-norm by a {@link Distance} (p and eps are then unused); null restores the p-norm. */
        public Builder distance(@Nullable Distance distance) {
            this.distance = distance;
            return this;
        }

        public TripletMarginLoss build() {
            return new TripletMarginLoss(this);
        }
    }
}
