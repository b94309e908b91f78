/**
 * Ready-made architectures with builders: {@link dev.pixelflow.simd.models.FcnSegmenter} (U-Net-style
 * segmentation), {@link dev.pixelflow.simd.models.EmbeddingNet} (metric learning),
 * {@link dev.pixelflow.simd.models.DenoisingAutoencoder} and {@link dev.pixelflow.simd.models.Mlp}. Each is a
 * {@link dev.pixelflow.simd.nn.Layer}: pass it to {@link dev.pixelflow.simd.nn.Model#create}.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.pixelflow.simd.models;

import org.jspecify.annotations.NullMarked;
