/**
 * Losses for training image models, and their helpers.
 *
 * <p>Class-imbalance helpers (small objects on large images): {@link dev.pixelflow.simd.loss.ClassWeightEstimator}
 * counts pixels per class online from a stream of label masks, and turns the counts into per-class loss
 * weights by a {@link dev.pixelflow.simd.loss.ClassWeightRule}, returned as a
 * {@link dev.pixelflow.simd.loss.ClassWeights} snapshot.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.pixelflow.simd.loss;

import org.jspecify.annotations.NullMarked;
