package dev.pixelflow.simd.mining;

import dev.pixelflow.simd.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Batch-all triplet loss: every valid triplet (a, p, n) with {@code p != a}, {@code y_p = y_a},
 * {@code y_n != y_a}, {@code l = max(d(a, p) - d(a, n) + margin, 0)}, or with soft margin
 * {@code l = softplus(d(a, p) - d(a, n))}. {@link Mode#POSITIVE_MEAN} (default,
 * Hermans et al.) divides the sum by the number of triplets with {@code l > 0}; {@link Mode#MEAN} by the number
 * of valid triplets (with soft margin every triplet has {@code l > 0} unless softplus underflows, so the two
 * modes agree). 0 when the divisor is 0. Optional L2 normalization as in {@link BatchHardTripletLoss}.
 */
public final class BatchAllTripletLoss {
    /** Divisor of the summed triplet losses. */
    public enum Mode { POSITIVE_MEAN, MEAN }

    private final TripletHinge hinge;
    private final Distance distance;
    private final boolean normalize;
    private final Mode mode;

    private BatchAllTripletLoss(Builder b) {
        this.hinge = b.hinge();
        this.distance = b.distance;
        this.normalize = b.normalize;
        this.mode = b.mode;
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
        BatchTriplets b = new BatchTriplets("BatchAllTripletLoss", embeddings, labels, distance, normalize, grad);
        int n = b.n;
        MiningStatistics.Accumulator acc = new MiningStatistics.Accumulator();
        double sum = 0;
        long positive = 0;
        long total = 0;
        int valid = 0;
        for (int a = 0; a < n; a++) {
            if (!b.hasPositive[a] || !b.hasNegative[a]) {
                continue;
            }
            valid++;
            for (int p = 0; p < n; p++) {
                if (p == a || labels[p] != labels[a]) {
                    continue;
                }
                double dap = b.dist(a, p);
                for (int q = 0; q < n; q++) {
                    if (labels[q] == labels[a]) {
                        continue;
                    }
                    double dan = b.dist(a, q);
                    double l = hinge.loss(dap - dan);
                    total++;
                    if (l > 0) {
                        positive++;
                        sum += l;
                        double g = hinge.slope(dap - dan);
                        b.addGrad(a, p, g);
                        b.addGrad(a, q, -g);
                    }
                    acc.add(dap, dan, l);
                }
            }
        }
        long divisor = mode == Mode.MEAN ? total : positive;
        double loss = divisor == 0 ? 0 : sum / divisor;
        b.finish(divisor == 0 ? 0 : 1.0 / divisor, grad);
        return new TripletLossResult(loss, acc.build(valid, b.collapsed()), new int[0], new int[0]);
    }

    /** Options of this loss; default margin 0.2, distance EUCLIDEAN, no normalization. */
    public static final class Builder extends TripletLossBuilder<Builder> {
        private Mode mode = Mode.POSITIVE_MEAN;

        private Builder() {
            super(0.2);
        }

        @Override
        Builder self() {
            return this;
        }

        /** Divisor (default POSITIVE_MEAN). */
        public Builder mode(Mode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("mode is null");
            }
            this.mode = mode;
            return this;
        }

        public BatchAllTripletLoss build() {
            return new BatchAllTripletLoss(this);
        }
    }
}
