/**
 * Input normalization for {@code [B, C, H, W]} float32 image batches.
 *
 * <p>A {@link dev.pixelflow.simd.norm.NormalizerSpec} (method, scope, options) gives a
 * {@link dev.pixelflow.simd.norm.Normalizer}: z-score (population std, optional eps), min-max (to [0, 1]
 * or a range) or quantile (numpy's linear quantiles, default 5% / 95%, optional clip), per image, per
 * channel, or fitted per channel on a data set. Every normalizer has an inverse back to pixel units; the
 * parameters are a {@link dev.pixelflow.simd.norm.NormStats} record. Data-set statistics can be fitted
 * online: {@link dev.pixelflow.simd.norm.WelfordStats} (exact, mergeable),
 * {@link dev.pixelflow.simd.norm.ExponentialMovingStats}, and the approximate
 * {@link dev.pixelflow.simd.norm.QuantileSketch}. {@link dev.pixelflow.simd.norm.DenoisingNormalization}
 * fits on the noisy input and applies the same transform to input and target.
 *
 * <p>The work runs on the kernel layer ({@code Kernels.normMoments}, {@code normMinMax}, {@code normAffine}):
 * statistics read the data once (the moments kernel makes its two passes per L1-sized chunk and reports NaN
 * and infinities, so there is no separate finite check) and the transform reads and writes it once. Planes
 * (split into runs of at most 64 Ki floats) are spread over a fixed set of compute threads
 * ({@code pixelflow.threads}) and combined in a fixed order, so results do not depend on the thread count.
 * A z-score or min-max {@code apply} on a batch with several groups per thread takes one group at a time,
 * statistics then transform, so the transform reads the group from cache rather than from memory again.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.pixelflow.simd.norm;

import org.jspecify.annotations.NullMarked;
