package dev.pixelflow.simd.mining;

import dev.pixelflow.simd.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Semi-hard triplet loss (FaceNet, Schroff et al. 2015), following TF-Addons {@code triplet_semihard_loss}: for
 * every anchor-positive pair (a, p), {@code p != a}, the negative is the nearest one strictly farther than
 * {@code d(a, p)}; when there is none, the farthest negative of the anchor. The loss is
 * {@code sum max(d(a, p) - d(a, n) + margin, 0) / (number of anchor-positive pairs)} (with soft margin, {@code softplus(d(a, p) - d(a, n))} in place of the hinge;
 * the choice of negative is unchanged). The configured distance is
 * used (TF-Addons offers euclidean "L2", "squared-L2" and "angular"). Deviation from TF-Addons: anchors without any
 * negative are skipped and their pairs not counted (TF-Addons would compare against the row minimum); the loss
 * is 0 when no pair is counted.
 */
public final class SemiHardTripletLoss {
    private final TripletHinge hinge;
    private final Distance distance;
    private final boolean normalize;

    private SemiHardTripletLoss(Builder b) {
        this.hinge = b.hinge();
        this.distance = b.distance;
        this.normalize = b.normalize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param embeddings [N, D]
     * @param labels N identity labels
     * @param grad [N, D] receives dL/d embeddings, or null
     */
    public TripletLossResult forward(Tensor embeddings, int[] labels, @Nullable Tensor grad) {
        BatchTriplets b = new BatchTriplets("SemiHardTripletLoss", embeddings, labels, distance, normalize, grad);
        int n = b.n;
        MiningStatistics.Accumulator acc = new MiningStatistics.Accumulator();
        double sum = 0;
        long pairs = 0;
        int valid = 0;
        for (int a = 0; a < n; a++) {
            if (!b.hasPositive[a] || !b.hasNegative[a]) {
                continue;
            }
            valid++;
            int farthest = -1;
            for (int q = 0; q < n; q++) {
                if (labels[q] != labels[a] && (farthest < 0 || b.dist(a, q) > b.dist(a, farthest))) {
                    farthest = q;
                }
            }
            for (int p = 0; p < n; p++) {
                if (p == a || labels[p] != labels[a]) {
                    continue;
                }
                double dap = b.dist(a, p);
                int chosen = -1;
                for (int q = 0; q < n; q++) {
                    if (labels[q] != labels[a] && b.dist(a, q) > dap
                            && (chosen < 0 || b.dist(a, q) < b.dist(a, chosen))) {
                        chosen = q;
                    }
                }
                if (chosen < 0) {
                    chosen = farthest;
                }
                double dan = b.dist(a, chosen);
                double l = hinge.loss(dap - dan);
                pairs++;
                sum += l;
                if (l > 0) {
                    double g = hinge.slope(dap - dan);
                    b.addGrad(a, p, g);
                    b.addGrad(a, chosen, -g);
                }
                acc.add(dap, dan, l);
            }
        }
        double loss = pairs == 0 ? 0 : sum / pairs;
        b.finish(pairs == 0 ? 0 : 1.0 / pairs, grad);
        return new TripletLossResult(loss, acc.build(valid, b.collapsed()), new int[0], new int[0]);
    }

    /** Options of this loss; default margin 1.0 (TF-Addons), distance EUCLIDEAN, no normalization. */
    public static final class Builder extends TripletLossBuilder<Builder> {
        private Builder() {
            super(1.0);
        }

        @Override
        Builder self() {
            return this;
        }

        public SemiHardTripletLoss build() {
            return new SemiHardTripletLoss(this);
        }
    }
}
