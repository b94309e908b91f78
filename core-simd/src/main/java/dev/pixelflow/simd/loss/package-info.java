/**
 * Losses for training image models, and their helpers.
 *
 * <p>Class-imbalance helpers (small objects on large images): {@link dev.pixelflow.simd.loss.ClassWeightEstimator}
 * counts pixels per class online from a stream of label masks, and turns the counts into per-class loss
 * weights by a {@link dev.pixelflow.simd.loss.ClassWeightRule}, returned as a
 * {@link dev.pixelflow.simd.loss.ClassWeights} snapshot.
 */
package dev.pixelflow.simd.loss;
