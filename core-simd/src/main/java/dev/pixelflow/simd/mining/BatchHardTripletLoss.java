package dev.pixelflow.simd.mining;

import dev.pixelflow.simd.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Batch-hard triplet loss (Hermans, Beyer and Leibe 2017). For every anchor {@code a} with at least one
 * positive ({@code p != a}, same label) and one negative (different label): {@code d_ap = max_p d(a, p)},
 * {@code d_an = min_n d(a, n)} and {@code l_a = max(d_ap - d_an + margin, 0)} or, with soft margin,
 * {@code softplus(d_ap - d_an)}. The loss is the mean of {@code l_a} over those anchors (0 when there is none).
 * Embeddings [N, D] are optionally L2-normalized first ({@code x / max(|x|, 1e-12)}); the gradient [N, D] flows
 * through the chosen distances (ties: the first index wins) and the normalization.
 */
public final class BatchHardTripletLoss {
    private final TripletHinge hinge;
    private final Distance distance;
    private final boolean normalize;

    private BatchHardTripletLoss(Builder b) {
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
        BatchTriplets b = new BatchTriplets("BatchHardTripletLoss", embeddings, labels, distance, normalize, grad);
        int n = b.n;
        int[] pos = new int[n];
        int[] neg = new int[n];
        MiningStatistics.Accumulator acc = new MiningStatistics.Accumulator();
        double sum = 0;
        int valid = 0;
        for (int a = 0; a < n; a++) {
            pos[a] = -1;
            neg[a] = -1;
            if (!b.hasPositive[a] || !b.hasNegative[a]) {
                continue;
            }
            for (int j = 0; j < n; j++) {
                if (j == a) {
                    continue;
                }
                if (labels[j] == labels[a]) {
                    if (pos[a] < 0 || b.dist(a, j) > b.dist(a, pos[a])) {
                        pos[a] = j;
                    }
                } else if (neg[a] < 0 || b.dist(a, j) < b.dist(a, neg[a])) {
                    neg[a] = j;
                }
            }
            valid++;
            double dap = b.dist(a, pos[a]);
            double dan = b.dist(a, neg[a]);
            double z = dap - dan;
            double l = hinge.loss(z);
            double g = hinge.slope(z);
            sum += l;
            b.addGrad(a, pos[a], g);
            b.addGrad(a, neg[a], -g);
            acc.add(dap, dan, l);
        }
        double loss = valid == 0 ? 0 : sum / valid;
        b.finish(valid == 0 ? 0 : 1.0 / valid, grad);
        return new TripletLossResult(loss, acc.build(valid, b.collapsed()), pos, neg);
    }

    /** Options of this loss; default margin 0.2 (FaceNet), distance EUCLIDEAN, no normalization. */
    public static final class Builder extends TripletLossBuilder<Builder> {
        private Builder() {
            super(0.2);
        }

        @Override
        Builder self() {
            return this;
        }

        public BatchHardTripletLoss build() {
            return new BatchHardTripletLoss(this);
        }
    }
}
