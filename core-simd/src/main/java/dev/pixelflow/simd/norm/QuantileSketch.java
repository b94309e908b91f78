package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.MemorySegment;

/**
 * APPROXIMATE online per-channel quantiles over a stream of {@code [B, C, H, W]} batches: a mergeable
 * fixed-bin histogram (K bins, K even) over a running range per channel, plus the exact count, min and max.
 *
 * <p>The first batch of a channel sets the range to its [min, max]; a later value outside the range doubles
 * the bin width (adjacent bins are paired, the range grows to the left or right) until it fits, so memory
 * stays K counts per channel. The estimate of quantile q uses numpy's rank {@code h = (n - 1) q}, finds the
 * bin holding rank h and interpolates uniformly inside it, clamped to [min, max]; q = 0 and q = 1 give the
 * exact min and max.
 *
 * <p>Error bound (tested): for a sketch fed batches directly the estimate lies within one current
 * {@link #binWidth bin width} of the interval {@code [x(floor h), x(ceil h)]} of the neighbouring order
 * statistics (so within one bin width of numpy's linear quantile when those are in the same bin).
 * {@link #merge} re-bins the other sketch's counts at their bin centres, which adds at most one more bin
 * width. Not thread-safe; sketch per thread and merge.
 */
public final class QuantileSketch {
    private final int channels;
    private final int bins;
    private final long[][] counts;
    private final double[] origin;
    private final double[] width;
    private final double[] min;
    private final double[] max;
    private final long[] n;

    /** An empty sketch of {@code bins} (even, >= 2) bins per channel. */
    public QuantileSketch(int channels, int bins) {
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be > 0, got " + channels);
        }
        if (bins < 2 || bins % 2 != 0) {
            throw new IllegalArgumentException("bins must be even and >= 2, got " + bins);
        }
        this.channels = channels;
        this.bins = bins;
        this.counts = new long[channels][bins];
        this.origin = new double[channels];
        this.width = new double[channels];
        this.min = new double[channels];
        this.max = new double[channels];
        this.n = new long[channels];
    }

    public int channels() {
        return channels;
    }

    public long count(int channel) {
        return n[channel];
    }

    /** Current bin width of {@code channel} (the error scale). */
    public double binWidth(int channel) {
        requireData(channel);
        return width[channel];
    }

    /** Adds every value of {@code batch} ({@code [B, C, H, W]}, C = {@link #channels()}, finite). */
    public QuantileSketch update(Tensor batch) {
        NormChecks.requireImages("batch", batch);
        if (batch.dim(1) != channels) {
            throw new IllegalArgumentException("batch has shape " + batch.shapeString() + " but the sketch has "
                    + channels + " channels");
        }
        // one read for range and finite check (min/max kernel), one for the histogram
        NormPlanes planes = NormPlanes.of(NormScope.DATASET, new String[] {"batch"}, batch);
        double[] range = new double[2 * planes.count];
        boolean[] finite = new boolean[planes.count];
        Kernels k = KernelProvider.get();
        planes.forEach(r -> finite[r] = k.normMinMax(planes.segment(r), planes.offset[r], planes.length[r],
                range, 2 * r));
        planes.requireFinite(finite);
        double[] lo = new double[channels];
        double[] hi = new double[channels];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int r = 0; r < planes.count; r++) {
            int c = planes.group[r];
            lo[c] = Math.min(lo[c], range[2 * r]);
            hi[c] = Math.max(hi[c], range[2 * r + 1]);
        }
        for (int c = 0; c < channels; c++) {
            cover(c, lo[c], hi[c]);
        }
        for (int r = 0; r < planes.count; r++) {
            int c = planes.group[r];
            MemorySegment seg = planes.segment(r);
            long off = planes.offset[r];
            int len = planes.length[r];
            long[] cnt = counts[c];
            for (int i = 0; i < len; i++) {
                cnt[index(c, seg.getAtIndex(NormChecks.F32, off + i))]++;
            }
            n[c] += len;
        }
        return this;
    }

    /** Adds the counts of {@code other} (same channels and bins), re-binned at its bin centres. */
    public QuantileSketch merge(QuantileSketch other) {
        if (other.channels != channels || other.bins != bins) {
            throw new IllegalArgumentException("cannot merge a sketch of " + other.channels + " channels x "
                    + other.bins + " bins into one of " + channels + " x " + bins);
        }
        for (int c = 0; c < channels; c++) {
            if (other.n[c] == 0) {
                continue;
            }
            if (n[c] == 0) {
                counts[c] = other.counts[c].clone();
                origin[c] = other.origin[c];
                width[c] = other.width[c];
                min[c] = other.min[c];
                max[c] = other.max[c];
                n[c] = other.n[c];
                continue;
            }
            cover(c, other.min[c], other.max[c]);
            for (int j = 0; j < bins; j++) {
                long k = other.counts[c][j];
                if (k != 0) {
                    double centre = other.origin[c] + (j + 0.5) * other.width[c];
                    counts[c][index(c, Math.min(other.max[c], Math.max(other.min[c], centre)))] += k;
                }
            }
            n[c] += other.n[c];
        }
        return this;
    }

    /** Approximate numpy-linear quantile {@code q} in [0, 1] of {@code channel}; see the class error bound. */
    public double quantile(int channel, double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must lie in [0, 1], got " + q);
        }
        requireData(channel);
        double h = (n[channel] - 1) * q;
        if (h <= 0) {
            return min[channel];
        }
        if (h >= n[channel] - 1) {
            return max[channel];
        }
        long[] cnt = counts[channel];
        long cum = 0;
        for (int i = 0; i < bins; i++) {
            if (cnt[i] > 0 && h < cum + cnt[i]) {
                double frac = (h - cum + 0.5) / cnt[i];
                double v = origin[channel] + (i + frac) * width[channel];
                return Math.min(max[channel], Math.max(min[channel], v));
            }
            cum += cnt[i];
        }
        return max[channel];
    }

    /** Frozen per-channel statistics for a {@link NormMethod#QUANTILE} / {@link NormScope#DATASET} spec. */
    public NormStats toStats(NormalizerSpec spec) {
        if (spec.method() != NormMethod.QUANTILE || spec.scope() != NormScope.DATASET) {
            throw new IllegalArgumentException("a quantile sketch gives QUANTILE/DATASET, spec is "
                    + spec.method() + "/" + spec.scope());
        }
        double[] shift = new double[channels];
        double[] scale = new double[channels];
        for (int c = 0; c < channels; c++) {
            shift[c] = quantile(c, spec.quantileLo());
            scale[c] = GroupStatistics.positive(quantile(c, spec.quantileHi()) - shift[c]);
        }
        return new NormStats(spec, shift, scale);
    }

    /** Grows the range of channel c (or initializes it) to contain [lo, hi]. */
    private void cover(int c, double lo, double hi) {
        if (n[c] == 0) {
            double w = (hi - lo) / bins * (1 + 1e-9);
            origin[c] = lo;
            width[c] = w > Math.max(Math.abs(lo), Math.abs(hi)) * 1e-12 ? w : Math.max(Math.abs(lo), 1.0) * 1e-6;
            min[c] = lo;
            max[c] = hi;
            return;
        }
        min[c] = Math.min(min[c], lo);
        max[c] = Math.max(max[c], hi);
        long[] cnt = counts[c];
        while (lo < origin[c]) {
            long[] grown = new long[bins];
            for (int i = 0; i < bins; i++) {
                grown[bins / 2 + i / 2] += cnt[i];
            }
            origin[c] -= bins * width[c];
            width[c] *= 2;
            cnt = grown;
        }
        while (hi >= origin[c] + bins * width[c]) {
            long[] grown = new long[bins];
            for (int i = 0; i < bins; i++) {
                grown[i / 2] += cnt[i];
            }
            width[c] *= 2;
            cnt = grown;
        }
        counts[c] = cnt;
    }

    private int index(int c, double v) {
        long i = (long) Math.floor((v - origin[c]) / width[c]);
        return (int) Math.max(0, Math.min(bins - 1, i));
    }

    private void requireData(int channel) {
        if (n[channel] == 0) {
            throw new IllegalStateException("no values seen for channel " + channel);
        }
    }
}
