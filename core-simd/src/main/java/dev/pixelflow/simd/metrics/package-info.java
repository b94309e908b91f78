/**
 * Evaluation metrics: a streaming segmentation {@link dev.pixelflow.simd.metrics.ConfusionMatrix} and the
 * scores derived from it ({@link dev.pixelflow.simd.metrics.SegmentationMetrics}: IoU, Dice/F1, precision,
 * recall, pixel / balanced / weighted accuracy, with a named {@link dev.pixelflow.simd.metrics.EmptyClassPolicy}),
 * and embedding metrics ({@link dev.pixelflow.simd.metrics.EmbeddingMetrics}: recall@k and verification
 * accuracy at the best threshold; {@link dev.pixelflow.simd.metrics.TripletStatistics}: active-triplet
 * fraction). Label maps are float tensors holding integral class indices.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.pixelflow.simd.metrics;

import org.jspecify.annotations.NullMarked;
