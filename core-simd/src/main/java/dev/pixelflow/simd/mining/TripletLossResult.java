package dev.pixelflow.simd.mining;

/**
 * Result of a batch triplet loss.
 *
 * @param loss the reduced loss
 * @param statistics mining statistics of the batch
 * @param positives batch-hard only: the chosen (hardest) positive index per anchor, -1 when the anchor is
 *     skipped; empty for the other strategies
 * @param negatives batch-hard only: the chosen (nearest) negative index per anchor, -1 when skipped
 */
public record TripletLossResult(double loss, MiningStatistics statistics, int[] positives, int[] negatives) {
}
