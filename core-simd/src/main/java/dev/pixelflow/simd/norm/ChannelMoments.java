package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.Kernels;

/**
 * Per-channel count, mean and sum of squared deviations (M2) of one [B, C, H, W] batch: one read of the data
 * (the moments kernel per plane run, which also rejects NaN and infinities), runs merged in double by Chan et
 * al.'s formula.
 */
final class ChannelMoments {
    final long count;
    final double[] mean;
    final double[] m2;

    private ChannelMoments(long count, double[] mean, double[] m2) {
        this.count = count;
        this.mean = mean;
        this.m2 = m2;
    }

    static ChannelMoments of(Tensor batch, Kernels kernels) {
        NormChecks.requireImages("batch", batch);
        int channels = batch.dim(1);
        long[] count = new long[channels];
        double[] mean = new double[channels];
        double[] m2 = new double[channels];
        GroupStatistics.moments(kernels, NormPlanes.of(NormScope.DATASET, new String[] {"batch"}, batch),
                count, mean, m2);
        return new ChannelMoments(count[0], mean, m2);
    }
}
