/**
 * Triplet losses and online mining over batches of labelled embeddings [N, D] (float32, row-major):
 * {@link dev.pixelflow.simd.mining.Distance}, {@link dev.pixelflow.simd.mining.BatchHardTripletLoss},
 * {@link dev.pixelflow.simd.mining.BatchAllTripletLoss}, {@link dev.pixelflow.simd.mining.SemiHardTripletLoss}
 * and explicit triplets {@link dev.pixelflow.simd.mining.TripletMarginLoss}. Computation is in double; every
 * loss returns dL/d embeddings and {@link dev.pixelflow.simd.mining.MiningStatistics}.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.pixelflow.simd.mining;

import org.jspecify.annotations.NullMarked;
