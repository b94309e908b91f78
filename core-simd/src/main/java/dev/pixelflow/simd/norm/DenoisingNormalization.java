package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;

/**
 * The denoising rule: statistics are fitted on the NOISY input only and the same transform is applied to
 * the input and to the clean target, so the network learns a map within one coordinate system; predictions
 * return to pixel units with {@link Normalizer#inverse(NormStats, Tensor, Tensor)} and the returned stats.
 * With z-scored targets the output layer should be the identity (a sigmoid cannot produce negative
 * targets); with [0, 1] targets a sigmoid output is fine.
 */
public final class DenoisingNormalization {
    private DenoisingNormalization() {
    }

    /**
     * Normalizes {@code noisy} into {@code noisyOut} and {@code target} into {@code targetOut} (all the same
     * {@code [B, C, H, W]} shape; in place allowed) with statistics of {@code noisy}; returns them.
     */
    public static NormStats apply(Normalizer normalizer, Tensor noisy, Tensor target, Tensor noisyOut,
                                  Tensor targetOut) {
        NormChecks.requireSameShape("noisy", noisy, "target", target);
        NormChecks.requireSameShape("noisy", noisy, "noisyOut", noisyOut);
        NormChecks.requireSameShape("noisy", noisy, "targetOut", targetOut);
        if (targetOut.segment().address() == noisy.segment().address()
                || noisyOut.segment().address() == target.segment().address()) {
            throw new IllegalArgumentException("outputs must not overwrite the other input (targetOut = noisy"
                    + " or noisyOut = target); in place means noisyOut = noisy and targetOut = target");
        }
        // noisy is checked by statistics() and target up front, so that nothing is written when either holds
        // a NaN or infinity; the transforms then skip their own check
        AffineNormalizer affine = (AffineNormalizer) normalizer;
        affine.requireFinite("target", target);
        NormStats stats = normalizer.statistics(noisy);
        affine.applyFinite(stats, target, targetOut);
        affine.applyFinite(stats, noisy, noisyOut);
        return stats;
    }
}
