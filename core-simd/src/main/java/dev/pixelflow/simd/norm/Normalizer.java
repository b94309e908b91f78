package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;

/**
 * An input normalizer on {@code [B, C, H, W]} float32 batches: per statistics group (see {@link NormScope})
 * {@code y = outLo + outSpan * (x - shift) / scale} (see {@link NormMethod}), with an inverse back to pixel
 * units {@code x = shift + scale * (y - outLo) / outSpan}.
 *
 * <p>PER_IMAGE and PER_CHANNEL normalizers compute statistics of each batch they are applied to and
 * remember the last ones for {@link #inverse(Tensor, Tensor)}; a DATASET normalizer is fitted once
 * ({@link #fit}) and then frozen. Not thread-safe (holds the last statistics).
 *
 * <p>Statistics and the transform run on the kernel layer (Vector API or scalar reference, see
 * {@link Ops.Provider}; each factory has an overload taking the provider, default {@code AUTO}) and spread
 * large batches over a fixed set of compute threads ({@code pixelflow.threads}); results do not depend on the
 * number of threads.
 */
public sealed interface Normalizer permits AffineNormalizer {

    /** A normalizer for {@code spec}; a DATASET spec must be fitted with {@link #fit} instead. */
    static Normalizer of(NormalizerSpec spec) {
        return of(spec, Ops.Provider.AUTO);
    }

    /** {@link #of(NormalizerSpec)} on the kernels of {@code provider}. */
    static Normalizer of(NormalizerSpec spec, Ops.Provider provider) {
        if (spec.scope() == NormScope.DATASET) {
            throw new IllegalArgumentException("a DATASET normalizer must be fitted: use Normalizer.fit or fromStats");
        }
        return new AffineNormalizer(spec, null, NormPlanes.kernels(provider));
    }

    /**
     * Fits a DATASET normalizer per channel on all values of {@code data} ([B, C, H, W] each, equal C, H and
     * W may differ). Exact QUANTILE fitting copies every value of a channel; for large data sets fit
     * online with {@link WelfordStats} or {@link QuantileSketch} and use {@link #fromStats}.
     */
    static Normalizer fit(NormalizerSpec spec, Tensor... data) {
        return fit(spec, Ops.Provider.AUTO, data);
    }

    /** {@link #fit(NormalizerSpec, Tensor...)} on the kernels of {@code provider}. */
    static Normalizer fit(NormalizerSpec spec, Ops.Provider provider, Tensor... data) {
        if (spec.scope() != NormScope.DATASET) {
            throw new IllegalArgumentException("fit applies to DATASET scope, spec has " + spec.scope());
        }
        var kernels = NormPlanes.kernels(provider);
        return new AffineNormalizer(spec, GroupStatistics.compute(spec, kernels, null, data), kernels);
    }

    /** A frozen DATASET normalizer from saved statistics (e.g. a checkpoint or an online fit). */
    static Normalizer fromStats(NormStats stats) {
        return fromStats(stats, Ops.Provider.AUTO);
    }

    /** {@link #fromStats(NormStats)} on the kernels of {@code provider}. */
    static Normalizer fromStats(NormStats stats, Ops.Provider provider) {
        if (stats.spec().scope() != NormScope.DATASET) {
            throw new IllegalArgumentException("fromStats needs DATASET statistics, got " + stats.spec().scope());
        }
        return new AffineNormalizer(stats.spec(), stats, NormPlanes.kernels(provider));
    }

    NormalizerSpec spec();

    /**
     * Statistics for {@code in} without transforming it: fresh ones for PER_IMAGE/PER_CHANNEL, the
     * frozen ones for DATASET (after checking the channel count).
     */
    NormStats statistics(Tensor in);

    /** Normalizes {@code in} into {@code out} (same shape, may be the same tensor); returns the statistics used. */
    NormStats apply(Tensor in, Tensor out);

    /**
     * Normalizes {@code in} into {@code out} with given statistics (matching the batch's groups). The finite
     * check of {@code in} runs chunk by chunk with the transform: when it throws, {@code out} may hold
     * normalized values of the part before the offending value.
     */
    void apply(NormStats stats, Tensor in, Tensor out);

    /** Returns {@code in} to pixel units with the statistics of the last {@link #apply} (or the fitted ones). */
    void inverse(Tensor in, Tensor out);

    /** Returns {@code in} to pixel units with given statistics. Clipped values stay clipped. */
    void inverse(NormStats stats, Tensor in, Tensor out);
}
