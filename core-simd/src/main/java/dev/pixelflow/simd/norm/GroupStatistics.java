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
            scale[g] = zScale(spec, count[g], m2[g]);
        }
    }

    /** The z-score scale of a group: population standard deviation plus eps. */
    private static double zScale(NormalizerSpec spec, long count, double m2) {
        return positive(Math.sqrt(m2 / count) + spec.eps());
    }

    /**
     * Per-group count, mean and M2 of the runs of {@code planes} (one kernel pass each, in parallel), merged in
     * run order by Chan et al.'s formula; throws on a non-finite value.
     */
    static void moments(Kernels k, NormPlanes planes, long[] count, double[] mean, double[] m2) {
        double[] run = new double[2 * planes.count];
        boolean[] finite = new boolean[planes.count];
        planes.forEach(r -> finite[r] = runStatistics(k, true, planes, r, run));
        planes.requireFinite(finite);
        mergeMoments(planes, run, 0, planes.count, count, mean, m2);
    }

    /**
     * One kernel pass over run {@code r}: its mean and M2 (z-score) or its min and max into {@code run[2r]} and
     * {@code run[2r + 1]}; false at a NaN or an infinity.
     */
    private static boolean runStatistics(Kernels k, boolean zScore, NormPlanes planes, int r, double[] run) {
        MemorySegment seg = planes.segment(r);
        return zScore ? k.normMoments(seg, planes.offset[r], planes.length[r], run, 2 * r)
                : k.normMinMax(seg, planes.offset[r], planes.length[r], run, 2 * r);
    }

    /** Merges the per-run mean and M2 of runs [from, to) into their groups, in run order (Chan et al.). */
    private static void mergeMoments(NormPlanes planes, double[] run, int from, int to, long[] count, double[] mean,
                                     double[] m2) {
        for (int r = from; r < to; r++) {
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
        planes.forEach(r -> finite[r] = runStatistics(k, false, planes, r, run));
        planes.requireFinite(finite);
        double[] max = new double[min.length];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        mergeMinMax(planes, run, 0, planes.count, min, max);
        for (int g = 0; g < min.length; g++) {
            scale[g] = positive(max[g] - min[g]);
        }
    }

    /** Merges the per-run min and max of runs [from, to) into their groups. */
    private static void mergeMinMax(NormPlanes planes, double[] run, int from, int to, double[] min, double[] max) {
        for (int r = from; r < to; r++) {
            int g = planes.group[r];
            min[g] = Math.min(min[g], run[2 * r]);
            max[g] = Math.max(max[g], run[2 * r + 1]);
        }
    }

    /** What {@link #computeByGroup} does with each group once its statistics are known, on the same thread. */
    interface GroupAction {
        /** Group {@code group}, whose runs are [fromRun, toRun) of {@code planes}, has these statistics. */
        void accept(NormPlanes planes, int group, int fromRun, int toRun, double shift, double scale);
    }

    /**
     * Whether {@link #computeByGroup} serves this spec and batch: z-score or min-max per image or per channel, with
     * enough groups to keep every compute thread busy with whole groups (otherwise the runs of a few large groups
     * are better spread over the threads).
     */
    static boolean byGroup(NormalizerSpec spec, Tensor in) {
        if (spec.scope() == NormScope.DATASET || spec.method() == NormMethod.QUANTILE || in.rank() != 4) {
            return false;
        }
        int groups = spec.scope().groups(in.dim(0), in.dim(1));
        return groups >= 4 * NormPlanes.threads() || in.size() < NormPlanes.PARALLEL_MIN;
    }

    /**
     * {@link #compute} for a spec and batch that {@link #byGroup} accepts, one group per task across the compute
     * threads, handing each group to {@code then} as soon as its statistics are known. The group's values are then
     * still in the core's caches, so a transform done there reads them from cache rather than from memory a second
     * time. The results equal {@link #compute}'s: a group's runs are merged in the same order. A non-finite value
     * throws, naming the first one, after every group has been processed; groups before it (or on another thread)
     * may have been handed to {@code then} by then.
     */
    static NormStats computeByGroup(NormalizerSpec spec, Kernels k, Tensor in, GroupAction then) {
        NormChecks.requireImages("tensor 0", in);
        int groups = spec.scope().groups(in.dim(0), in.dim(1));
        NormPlanes planes = NormPlanes.of(spec.scope(), null, in);
        int[] first = planes.groupStarts(groups);
        boolean zScore = spec.method() == NormMethod.Z_SCORE;
        double[] run = new double[2 * planes.count];
        boolean[] finite = new boolean[planes.count];
        double[] shift = new double[groups];
        double[] scale = new double[groups];
        // z-score: count, mean (in shift), M2; min-max: min (in shift), max
        long[] count = new long[groups];
        double[] second = new double[groups];
        NormPlanes.parallel(groups, planes.total, g -> {
            int from = first[g];
            int to = first[g + 1];
            for (int r = from; r < to; r++) {
                finite[r] = runStatistics(k, zScore, planes, r, run);
                if (!finite[r]) {
                    return;
                }
            }
            if (zScore) {
                mergeMoments(planes, run, from, to, count, shift, second);
                scale[g] = zScale(spec, count[g], second[g]);
            } else {
                shift[g] = Double.POSITIVE_INFINITY;
                second[g] = Double.NEGATIVE_INFINITY;
                mergeMinMax(planes, run, from, to, shift, second);
                scale[g] = positive(second[g] - shift[g]);
            }
            then.accept(planes, g, from, to, shift[g], scale[g]);
        });
        planes.requireFinite(finite);
        return new NormStats(spec, shift, scale);
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
