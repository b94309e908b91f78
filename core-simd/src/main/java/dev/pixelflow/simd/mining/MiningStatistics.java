package dev.pixelflow.simd.mining;

/**
 * Per-batch mining statistics.
 *
 * @param activeFraction fraction of the counted triplets whose loss exceeds {@value #ACTIVE_THRESHOLD}
 * @param meanPositiveDistance mean anchor-positive distance over the counted triplets (batch-hard: the chosen
 *     hardest positives; batch-all: every valid (a, p, n); semi-hard: every anchor-positive pair)
 * @param meanNegativeDistance mean anchor-negative distance over the same triplets
 * @param hardestPositiveDistance largest counted anchor-positive distance (0 when none)
 * @param hardestNegativeDistance smallest counted anchor-negative distance (0 when none)
 * @param validAnchors anchors with at least one positive and one negative
 * @param triplets number of counted triplets
 * @param collapsed true when every off-diagonal pairwise distance of the batch (after the optional
 *     normalization, in the configured distance) is at most {@value #COLLAPSE_THRESHOLD}; note that EUCLIDEAN
 *     gives 1e-6 for identical rows
 */
public record MiningStatistics(double activeFraction, double meanPositiveDistance, double meanNegativeDistance,
        double hardestPositiveDistance, double hardestNegativeDistance, int validAnchors, long triplets,
        boolean collapsed) {

    /** A triplet is active when its loss is above this. */
    public static final double ACTIVE_THRESHOLD = 1e-5;
    /** Collapse alarm threshold on the largest off-diagonal distance. */
    public static final double COLLAPSE_THRESHOLD = 1e-4;

    /** Accumulates statistics triplet by triplet. */
    static final class Accumulator {
        private long count;
        private long active;
        private double sumAp;
        private double sumAn;
        private double maxAp = Double.NEGATIVE_INFINITY;
        private double minAn = Double.POSITIVE_INFINITY;

        void add(double dap, double dan, double loss) {
            count++;
            if (loss > ACTIVE_THRESHOLD) {
                active++;
            }
            sumAp += dap;
            sumAn += dan;
            maxAp = Math.max(maxAp, dap);
            minAn = Math.min(minAn, dan);
        }

        MiningStatistics build(int validAnchors, boolean collapsed) {
            if (count == 0) {
                return new MiningStatistics(0, 0, 0, 0, 0, validAnchors, 0, collapsed);
            }
            return new MiningStatistics((double) active / count, sumAp / count, sumAn / count, maxAp, minAn,
                    validAnchors, count, collapsed);
        }
    }
}
