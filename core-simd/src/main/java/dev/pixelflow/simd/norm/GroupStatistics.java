package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Computes {@link NormStats} for a spec from one batch (per image / per channel) or a data set. Each method
 * reads the data once: the moments and min/max kernels also report NaN and infinities, so there is no
 * separate finite check; the quantile copy checks each chunk while it is in L1.
 */
final class GroupStatistics {
    /** Floats checked and copied at a time by the quantile gather (16 KiB, stays in L1). */
    private static final int COPY_CHUNK = 4096;

    private GroupStatistics() {
    }

    /** {@link #compute(NormalizerSpec, Kernels, String[], Tensor...)} on the default kernels. */
    static NormStats compute(NormalizerSpec spec, Tensor... tensors) {
        return compute(spec, KernelProvider.get(), null, tensors);
    }

    /**
     * Statistics of {@code tensors} (all {@code [B, C, H, W]} with equal C; for scopes other than
     * DATASET exactly one tensor). Values must be finite. {@code names} labels the tensors in error messages
     * (null: "tensor i").
     */
    static NormStats compute(NormalizerSpec spec, Kernels kernels, String[] names, Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("no tensors to fit on");
        }
        int channels = -1;
        for (int i = 0; i < tensors.length; i++) {
            NormChecks.requireImages(names == null ? "tensor " + i : names[i], tensors[i]);
            if (channels < 0) {
                channels = tensors[i].dim(1);
            } else if (tensors[i].dim(1) != channels) {
                throw new IllegalArgumentException("tensor " + i + " has shape " + tensors[i].shapeString()
                        + " but tensor 0 has " + channels + " channels");
            }
        }
        NormScope scope = spec.scope();
        if (scope != NormScope.DATASET && tensors.length != 1) {
            throw new IllegalArgumentException(scope + " statistics come from one batch, got " + tensors.length);
        }
        int groups = scope.groups(tensors[0].dim(0), channels);
        NormPlanes planes = NormPlanes.of(scope, names, tensors);
        double[] shift = new double[groups];
        double[] scale = new double[groups];
        switch (spec.method()) {
            case Z_SCORE -> zScore(spec, kernels, planes, shift, scale);
            case MIN_MAX -> minMax(kernels, planes, shift, scale);
            case QUANTILE -> quantile(spec, kernels, planes, shift, scale);
        }
        return new NormStats(spec, shift, scale);
    }

    private static void zScore(NormalizerSpec spec, Kernels k, NormPlanes planes, double[] mean, double[] scale) {
        long[] count = new long[mean.length];
        double[] m2 = new double[mean.length];
        moments(k, planes, count, mean, m2);
        for (int g = 0; g < mean.length; g++) {
            scale[g] = positive(Math.sqrt(m2[g] / count[g]) + spec.eps());
        }
    }

    /**
     * Per-group count, mean and M2 of the runs of {@code planes} (one kernel pass each, in parallel), merged in
     * run order by Chan et al.'s formula; throws on a non-finite value.
     */
    static void moments(Kernels k, NormPlanes planes, long[] count, double[] mean, double[] m2) {
        double[] run = new double[2 * planes.count];
        boolean[] finite = new boolean[planes.count];
        planes.forEach(r -> finite[r] = k.normMoments(planes.segment(r), planes.offset[r], planes.length[r],
                run, 2 * r));
        planes.requireFinite(finite);
        for (int r = 0; r < planes.count; r++) {
            int g = planes.group[r];
            long nb = planes.length[r];
            long n = count[g] + nb;
            double d = run[2 * r] - mean[g];
            mean[g] += d * nb / n;
            m2[g] += run[2 * r + 1] + d * d * ((double) count[g] * nb / n);
            count[g] = n;
        }
    }

    private static void minMax(Kernels k, NormPlanes planes, double[] min, double[] scale) {
        double[] run = new double[2 * planes.count];
        boolean[] finite = new boolean[planes.count];
        planes.forEach(r -> finite[r] = k.normMinMax(planes.segment(r), planes.offset[r], planes.length[r],
                run, 2 * r));
        planes.requireFinite(finite);
        double[] max = new double[min.length];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int r = 0; r < planes.count; r++) {
            int g = planes.group[r];
            min[g] = Math.min(min[g], run[2 * r]);
            max[g] = Math.max(max[g], run[2 * r + 1]);
        }
        for (int g = 0; g < min.length; g++) {
            scale[g] = positive(max[g] - min[g]);
        }
    }

    private static void quantile(NormalizerSpec spec, Kernels k, NormPlanes planes, double[] lo, double[] scale) {
        long[] count = new long[lo.length];
        int[] at = new int[planes.count];
        for (int r = 0; r < planes.count; r++) {
            int g = planes.group[r];
            at[r] = (int) Math.min(Integer.MAX_VALUE, count[g]);
            count[g] += planes.length[r];
        }
        float[][] values = new float[lo.length][];
        for (int g = 0; g < lo.length; g++) {
            if (count[g] > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("group " + g + " has " + count[g]
                        + " values, too many for an exact quantile");
            }
            values[g] = new float[(int) count[g]];
        }
        // Gather each run into its group's array; each chunk is checked (min/max kernel) while it sits in L1
        // and then copied, so the data are read from memory once.
        long[] bad = new long[planes.count];
        planes.forEach(r -> {
            MemorySegment seg = planes.segment(r);
            double[] scratch = new double[2];
            float[] dst = values[planes.group[r]];
            bad[r] = -1;
            for (int s = 0; s < planes.length[r]; s += COPY_CHUNK) {
                int len = Math.min(COPY_CHUNK, planes.length[r] - s);
                long src = planes.offset[r] + s;
                if (!k.normMinMax(seg, src, len, scratch, 0)) {
                    bad[r] = s;
                    return;
                }
                MemorySegment.copy(seg, NormChecks.F32, src * Float.BYTES, dst, at[r] + s, len);
            }
        });
        for (int r = 0; r < planes.count; r++) {
            if (bad[r] >= 0) {
                throw planes.nonFinite(r, bad[r]);
            }
        }
        NormPlanes.parallel(values.length, planes.total, g -> Arrays.sort(values[g]));
        for (int g = 0; g < lo.length; g++) {
            lo[g] = Quantiles.linear(values[g], spec.quantileLo());
            scale[g] = positive(Quantiles.linear(values[g], spec.quantileHi()) - lo[g]);
        }
    }

    /** A zero (or rounding-negative) scale divides by 1. */
    static double positive(double scale) {
        return scale > 0 ? scale : 1.0;
    }
}
