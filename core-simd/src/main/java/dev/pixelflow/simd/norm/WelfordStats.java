package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.KernelProvider;

/**
 * Online per-channel mean and population variance over a stream of {@code [B, C, H, W]} batches
 * (Welford's algorithm, batch-wise: each batch's exact moments are merged in by Chan et al.'s formula
 * {@code n = na + nb, d = mb - ma, mean = ma + d nb / n, M2 = M2a + M2b + d^2 na nb / n}).
 * The result equals the statistics of the whole stream (up to double rounding), regardless of how it
 * was split or in which order partial states were {@link #merge merged}. Sums are kept in double.
 * Not thread-safe; fit partial states per thread and merge them.
 */
public final class WelfordStats {
    private final int channels;
    private long count;
    private final double[] mean;
    private final double[] m2;

    /** An empty state for {@code channels} channels. */
    public WelfordStats(int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be > 0, got " + channels);
        }
        this.channels = channels;
        this.mean = new double[channels];
        this.m2 = new double[channels];
    }

    /**
     * A state restored from its parts (e.g. from a checkpoint): {@code count} values seen per channel, and per
     * channel their mean and sum of squared deviations {@code m2} (both {@code channels} long, finite,
     * {@code m2 >= 0}).
     */
    public static WelfordStats of(long count, double[] mean, double[] m2) {
        if (mean.length != m2.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " channels but m2 has " + m2.length);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        WelfordStats w = new WelfordStats(mean.length);
        for (int c = 0; c < mean.length; c++) {
            if (!Double.isFinite(mean[c]) || !(m2[c] >= 0) || Double.isInfinite(m2[c])) {
                throw new IllegalArgumentException("channel " + c + " has mean " + mean[c] + " and m2 " + m2[c]
                        + "; both must be finite and m2 >= 0");
            }
        }
        w.count = count;
        System.arraycopy(mean, 0, w.mean, 0, mean.length);
        System.arraycopy(m2, 0, w.m2, 0, m2.length);
        return w;
    }

    /** Per-channel means (a copy). */
    public double[] means() {
        return mean.clone();
    }

    /** Per-channel sums of squared deviations from the mean (a copy). */
    public double[] m2() {
        return m2.clone();
    }

    public int channels() {
        return channels;
    }

    /** Values seen per channel. */
    public long count() {
        return count;
    }

    /** Adds every value of {@code batch} ({@code [B, C, H, W]}, C = {@link #channels()}, finite). */
    public WelfordStats update(Tensor batch) {
        NormChecks.requireImages("batch", batch);
        if (batch.dim(1) != channels) {
            throw new IllegalArgumentException("batch has shape " + batch.shapeString() + " but the state has "
                    + channels + " channels");
        }
        ChannelMoments m = ChannelMoments.of(batch, KernelProvider.get());
        combine(m.count, m.mean, m.m2);
        return this;
    }

    /** Adds the values seen by {@code other} (same channel count); {@code other} is unchanged. */
    public WelfordStats merge(WelfordStats other) {
        if (other.channels != channels) {
            throw new IllegalArgumentException("cannot merge a state of " + other.channels
                    + " channels into one of " + channels);
        }
        combine(other.count, other.mean.clone(), other.m2.clone());
        return this;
    }

    private void combine(long nb, double[] mb, double[] m2b) {
        if (nb == 0) {
            return;
        }
        long n = count + nb;
        for (int c = 0; c < channels; c++) {
            double d = mb[c] - mean[c];
            mean[c] += d * nb / n;
            m2[c] += m2b[c] + d * d * ((double) count * nb / n);
        }
        count = n;
    }

    public double mean(int channel) {
        requireData();
        return mean[channel];
    }

    /** Population variance (ddof 0). */
    public double variance(int channel) {
        requireData();
        return m2[channel] / count;
    }

    /** Population std (ddof 0). */
    public double std(int channel) {
        return Math.sqrt(variance(channel));
    }

    /**
     * Frozen z-score statistics per channel for a {@link NormMethod#Z_SCORE} / {@link NormScope#DATASET}
     * spec: shift = mean, scale = std + eps (1 if zero). Use with {@link Normalizer#fromStats}.
     */
    public NormStats toStats(NormalizerSpec spec) {
        requireData();
        if (spec.method() != NormMethod.Z_SCORE || spec.scope() != NormScope.DATASET) {
            throw new IllegalArgumentException("Welford statistics give Z_SCORE/DATASET, spec is "
                    + spec.method() + "/" + spec.scope());
        }
        double[] scale = new double[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = GroupStatistics.positive(std(c) + spec.eps());
        }
        return new NormStats(spec, mean, scale);
    }

    private void requireData() {
        if (count == 0) {
            throw new IllegalStateException("no values seen yet");
        }
    }
}
