package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Computes {@link NormStats} for a spec from one batch (per image / per channel) or a data set. */
final class GroupStatistics {
    private GroupStatistics() {
    }

    /**
     * Statistics of {@code tensors} (all {@code [B, C, H, W]} with equal C; for scopes other than
     * DATASET exactly one tensor). Values must be finite.
     */
    static NormStats compute(NormalizerSpec spec, Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("no tensors to fit on");
        }
        int channels = -1;
        for (int i = 0; i < tensors.length; i++) {
            NormChecks.requireImages("tensor " + i, tensors[i]);
            NormChecks.requireFinite("tensor " + i, tensors[i]);
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
        long[] count = new long[groups];
        for (Tensor t : tensors) {
            long hw = (long) t.dim(2) * t.dim(3);
            for (int b = 0; b < t.dim(0); b++) {
                for (int c = 0; c < channels; c++) {
                    count[scope.group(b, c, channels)] += hw;
                }
            }
        }
        double[] shift = new double[groups];
        double[] scale = new double[groups];
        switch (spec.method()) {
            case Z_SCORE -> zScore(spec, tensors, count, shift, scale);
            case MIN_MAX -> minMax(spec, tensors, shift, scale);
            case QUANTILE -> quantile(spec, tensors, count, shift, scale);
        }
        return new NormStats(spec, shift, scale);
    }

    private static void zScore(NormalizerSpec spec, Tensor[] tensors, long[] count, double[] mean, double[] scale) {
        NormScope scope = spec.scope();
        double[] sum = new double[mean.length];
        for (Tensor t : tensors) {
            forPlanes(t, scope, (seg, off, len, g) -> {
                double s = 0;
                for (long i = 0; i < len; i++) {
                    s += seg.getAtIndex(NormChecks.F32, off + i);
                }
                sum[g] += s;
            });
        }
        for (int g = 0; g < mean.length; g++) {
            mean[g] = sum[g] / count[g];
        }
        double[] m2 = new double[mean.length];
        for (Tensor t : tensors) {
            forPlanes(t, scope, (seg, off, len, g) -> {
                double s = 0;
                double m = mean[g];
                for (long i = 0; i < len; i++) {
                    double d = seg.getAtIndex(NormChecks.F32, off + i) - m;
                    s += d * d;
                }
                m2[g] += s;
            });
        }
        for (int g = 0; g < mean.length; g++) {
            scale[g] = positive(Math.sqrt(m2[g] / count[g]) + spec.eps());
        }
    }

    private static void minMax(NormalizerSpec spec, Tensor[] tensors, double[] min, double[] scale) {
        double[] max = new double[min.length];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (Tensor t : tensors) {
            forPlanes(t, spec.scope(), (seg, off, len, g) -> {
                double lo = min[g];
                double hi = max[g];
                for (long i = 0; i < len; i++) {
                    double v = seg.getAtIndex(NormChecks.F32, off + i);
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                min[g] = lo;
                max[g] = hi;
            });
        }
        for (int g = 0; g < min.length; g++) {
            scale[g] = positive(max[g] - min[g]);
        }
    }

    private static void quantile(NormalizerSpec spec, Tensor[] tensors, long[] count, double[] lo, double[] scale) {
        float[][] values = new float[lo.length][];
        int[] filled = new int[lo.length];
        for (int g = 0; g < lo.length; g++) {
            if (count[g] > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("group " + g + " has " + count[g]
                        + " values, too many for an exact quantile");
            }
            values[g] = new float[(int) count[g]];
        }
        for (Tensor t : tensors) {
            forPlanes(t, spec.scope(), (seg, off, len, g) -> {
                for (long i = 0; i < len; i++) {
                    values[g][filled[g]++] = seg.getAtIndex(NormChecks.F32, off + i);
                }
            });
        }
        for (int g = 0; g < lo.length; g++) {
            Arrays.sort(values[g]);
            lo[g] = Quantiles.linear(values[g], spec.quantileLo());
            scale[g] = positive(Quantiles.linear(values[g], spec.quantileHi()) - lo[g]);
        }
    }

    /** A zero (or rounding-negative) scale divides by 1. */
    static double positive(double scale) {
        return scale > 0 ? scale : 1.0;
    }

    interface PlaneVisitor {
        void visit(MemorySegment segment, long offset, long length, int group);
    }

    /** Visits every contiguous H*W plane (b, c) of {@code t} with its group index. */
    static void forPlanes(Tensor t, NormScope scope, PlaneVisitor visitor) {
        int batch = t.dim(0);
        int channels = t.dim(1);
        long hw = (long) t.dim(2) * t.dim(3);
        MemorySegment seg = t.segment();
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                visitor.visit(seg, ((long) b * channels + c) * hw, hw, scope.group(b, c, channels));
            }
        }
    }
}
