package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.KernelProvider;

/**
 * Exponentially weighted per-channel mean and variance over a stream of {@code [B, C, H, W]} batches.
 * The first batch sets the state to its exact population moments; each later batch with moments
 * {@code (mb, vb)} updates, with weight {@code alpha} in (0, 1] on the new batch, as the moments of the
 * mixture {@code (1 - alpha) old + alpha batch}:
 * {@code mean' = mean + alpha (mb - mean)},
 * {@code var' = (1 - alpha) var + alpha vb + alpha (1 - alpha) (mb - mean)^2}.
 * With alpha = 1 the state is the last batch's statistics.
 */
public final class ExponentialMovingStats {
    private final int channels;
    private final double alpha;
    private boolean initialized;
    private final double[] mean;
    private final double[] var;

    public ExponentialMovingStats(int channels, double alpha) {
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be > 0, got " + channels);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        this.channels = channels;
        this.alpha = alpha;
        this.mean = new double[channels];
        this.var = new double[channels];
    }

    public double alpha() {
        return alpha;
    }

    public ExponentialMovingStats update(Tensor batch) {
        NormChecks.requireImages("batch", batch);
        if (batch.dim(1) != channels) {
            throw new IllegalArgumentException("batch has shape " + batch.shapeString() + " but the state has "
                    + channels + " channels");
        }
        ChannelMoments m = ChannelMoments.of(batch, KernelProvider.get());
        for (int c = 0; c < channels; c++) {
            double vb = m.m2[c] / m.count;
            if (!initialized) {
                mean[c] = m.mean[c];
                var[c] = vb;
            } else {
                double d = m.mean[c] - mean[c];
                mean[c] += alpha * d;
                var[c] = (1 - alpha) * var[c] + alpha * vb + alpha * (1 - alpha) * d * d;
            }
        }
        initialized = true;
        return this;
    }

    public double mean(int channel) {
        requireData();
        return mean[channel];
    }

    public double variance(int channel) {
        requireData();
        return var[channel];
    }

    /** Frozen z-score statistics (Z_SCORE / DATASET spec): shift = mean, scale = sqrt(var) + eps (1 if zero). */
    public NormStats toStats(NormalizerSpec spec) {
        requireData();
        if (spec.method() != NormMethod.Z_SCORE || spec.scope() != NormScope.DATASET) {
            throw new IllegalArgumentException("moving statistics give Z_SCORE/DATASET, spec is "
                    + spec.method() + "/" + spec.scope());
        }
        double[] scale = new double[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = GroupStatistics.positive(Math.sqrt(var[c]) + spec.eps());
        }
        return new NormStats(spec, mean, scale);
    }

    private void requireData() {
        if (!initialized) {
            throw new IllegalStateException("no batch seen yet");
        }
    }
}
