package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;

/** Per-channel count, mean and sum of squared deviations (M2) of one [B, C, H, W] batch, two-pass in double. */
final class ChannelMoments {
    final long count;
    final double[] mean;
    final double[] m2;

    private ChannelMoments(long count, double[] mean, double[] m2) {
        this.count = count;
        this.mean = mean;
        this.m2 = m2;
    }

    static ChannelMoments of(Tensor batch) {
        NormChecks.requireImages("batch", batch);
        NormChecks.requireFinite("batch", batch);
        int channels = batch.dim(1);
        long count = (long) batch.dim(0) * batch.dim(2) * batch.dim(3);
        double[] sum = new double[channels];
        GroupStatistics.forPlanes(batch, NormScope.DATASET, (seg, off, len, c) -> {
            double s = 0;
            for (long i = 0; i < len; i++) {
                s += seg.getAtIndex(NormChecks.F32, off + i);
            }
            sum[c] += s;
        });
        double[] mean = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = sum[c] / count;
        }
        double[] m2 = new double[channels];
        GroupStatistics.forPlanes(batch, NormScope.DATASET, (seg, off, len, c) -> {
            double s = 0;
            double m = mean[c];
            for (long i = 0; i < len; i++) {
                double d = seg.getAtIndex(NormChecks.F32, off + i) - m;
                s += d * d;
            }
            m2[c] += s;
        });
        return new ChannelMoments(count, mean, m2);
    }
}
