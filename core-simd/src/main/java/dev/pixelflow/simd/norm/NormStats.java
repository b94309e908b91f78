package dev.pixelflow.simd.norm;

import java.util.Arrays;
import java.util.Objects;

/**
 * Fitted parameters of a normalizer: per group {@code g} the affine map
 * {@code y = outLo + outSpan * (x - shift[g]) / scale[g]} (outLo/outSpan are the min-max target range,
 * 0 and 1 otherwise). Group indexing follows {@link NormScope}. Arrays are copied in and out.
 *
 * @param spec  the spec the statistics were computed for
 * @param shift per-group shift (mean, min or low quantile)
 * @param scale per-group scale (std + eps, range or quantile spread; zero already replaced by 1), > 0
 */
public record NormStats(NormalizerSpec spec, double[] shift, double[] scale) {

    public NormStats {
        Objects.requireNonNull(spec, "spec");
        if (shift.length != scale.length) {
            throw new IllegalArgumentException("shift has " + shift.length + " groups but scale has "
                    + scale.length);
        }
        shift = shift.clone();
        scale = scale.clone();
        for (int g = 0; g < scale.length; g++) {
            if (!Double.isFinite(shift[g]) || !(scale[g] > 0) || Double.isInfinite(scale[g])) {
                throw new IllegalArgumentException("group " + g + " has shift " + shift[g] + " and scale "
                        + scale[g] + "; need finite shift and finite scale > 0");
            }
        }
    }

    @Override
    public double[] shift() {
        return shift.clone();
    }

    @Override
    public double[] scale() {
        return scale.clone();
    }

    public int groups() {
        return shift.length;
    }

    public double shift(int group) {
        return shift[group];
    }

    public double scale(int group) {
        return scale[group];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NormStats s && spec.equals(s.spec) && Arrays.equals(shift, s.shift)
                && Arrays.equals(scale, s.scale);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * spec.hashCode() + Arrays.hashCode(shift)) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "NormStats[" + spec + ", shift=" + Arrays.toString(shift) + ", scale=" + Arrays.toString(scale) + "]";
    }
}
