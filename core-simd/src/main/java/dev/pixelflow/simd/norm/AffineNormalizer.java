package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The one {@link Normalizer} implementation: a per-group affine map, run by the affine kernel of the chosen
 * kernel provider over every plane (split into runs and spread over the compute threads).
 */
final class AffineNormalizer implements Normalizer {
    private static final String[] IN = {"in"};

    private final NormalizerSpec spec;
    private final Kernels kernels;
    private NormStats last;

    AffineNormalizer(NormalizerSpec spec, NormStats fitted, Kernels kernels) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.kernels = Objects.requireNonNull(kernels, "kernels");
        this.last = fitted;
    }

    @Override
    public NormalizerSpec spec() {
        return spec;
    }

    @Override
    public NormStats statistics(Tensor in) {
        if (spec.scope() == NormScope.DATASET) {
            NormChecks.requireImages("in", in);
            checkGroups(last, in);
            NormChecks.requireFinite("in", in, kernels);
            return last;
        }
        return GroupStatistics.compute(spec, kernels, null, in);
    }

    @Override
    public NormStats apply(Tensor in, Tensor out) {
        NormChecks.requireSameShape("in", in, "out", out);
        if (spec.scope() == NormScope.DATASET) {
            // frozen statistics: the finite check rides along with the transform (one read of in)
            checkGroups(last, in);
            transform(last, in, out, false, true);
            return last;
        }
        NormStats stats;
        if (GroupStatistics.byGroup(spec, in)) {
            // each group is transformed right after its statistics, while its values are still in cache
            stats = GroupStatistics.computeByGroup(spec, kernels, in, (planes, g, from, to, shift, scale) -> {
                for (int r = from; r < to; r++) {
                    affineRun(spec, shift, scale, false, in, out, planes.offset[r], planes.length[r], false);
                }
            });
        } else {
            stats = GroupStatistics.compute(spec, kernels, null, in);
            transform(stats, in, out, false, false);
        }
        last = stats;
        return stats;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The finite check runs chunk by chunk with the transform; when it fails, {@code out} may already hold
     * normalized values of the chunks before the offending one.
     */
    @Override
    public void apply(NormStats stats, Tensor in, Tensor out) {
        NormChecks.requireSameShape("in", in, "out", out);
        transform(stats, in, out, false, true);
    }

    /** {@link #apply(NormStats, Tensor, Tensor)} for input already known to be finite. */
    void applyFinite(NormStats stats, Tensor in, Tensor out) {
        NormChecks.requireSameShape("in", in, "out", out);
        transform(stats, in, out, false, false);
    }

    /** {@link NormChecks#requireFinite} with this normalizer's kernels. */
    void requireFinite(String name, Tensor t) {
        NormChecks.requireFinite(name, t, kernels);
    }

    @Override
    public void inverse(Tensor in, Tensor out) {
        if (last == null) {
            throw new IllegalStateException("inverse before any apply: no statistics yet");
        }
        inverse(last, in, out);
    }

    @Override
    public void inverse(NormStats stats, Tensor in, Tensor out) {
        NormChecks.requireSameShape("in", in, "out", out);
        transform(stats, in, out, true, false);
    }

    /**
     * The affine map in double for a group whose parameters do not fit a float (a shift beyond the float
     * range or a factor that overflows it, possible only with hand-made statistics); checks, then writes.
     */
    private static long inDouble(NormalizerSpec s, double shift, double scale, boolean inverse, boolean clip,
                                 Tensor in, Tensor out, long off, int len, boolean checkFinite) {
        MemorySegment src = in.segment();
        MemorySegment dst = out.segment();
        if (checkFinite) {
            for (int i = 0; i < len; i++) {
                if (!Float.isFinite(src.getAtIndex(NormChecks.F32, off + i))) {
                    return i;
                }
            }
        }
        double mul = inverse ? scale / s.outSpan() : s.outSpan() / scale;
        for (int i = 0; i < len; i++) {
            double x = src.getAtIndex(NormChecks.F32, off + i);
            double y = inverse ? shift + (x - s.outLo()) * mul : s.outLo() + (x - shift) * mul;
            if (clip) {
                y = Math.min(1.0, Math.max(0.0, y));
            }
            dst.setAtIndex(NormChecks.F32, off + i, (float) y);
        }
        return -1;
    }

    private static void checkGroups(NormStats stats, Tensor in) {
        NormScope scope = stats.spec().scope();
        int expected = scope.groups(in.dim(0), in.dim(1));
        if (stats.groups() != expected) {
            throw new IllegalArgumentException("statistics have " + stats.groups() + " groups but " + scope
                    + " on shape " + in.shapeString() + " needs " + expected);
        }
    }

    /**
     * Forward {@code y = outLo + (x - shift) * (outSpan / scale)}, inverse
     * {@code x = shift + (y - outLo) * (scale / outSpan)}: per group the subtracted constant c is split into
     * float c_hi + c_lo (so x - c keeps a double shift's precision on large offsets), the factor and the added
     * constant are rounded to float once, and the kernel computes {@code fma((x - c_hi) - c_lo, mul, add)} in
     * float, clamped to [0, 1] for a clipping quantile spec.
     */
    private void transform(NormStats stats, Tensor in, Tensor out, boolean inverse, boolean checkFinite) {
        Objects.requireNonNull(stats, "stats");
        checkGroups(stats, in);
        NormPlanes planes = NormPlanes.of(stats.spec().scope(), IN, in);
        long[] bad = new long[planes.count];
        planes.forEach(r -> {
            int g = planes.group[r];
            bad[r] = affineRun(stats.spec(), stats.shift(g), stats.scale(g), inverse, in, out, planes.offset[r],
                    planes.length[r], checkFinite);
        });
        if (checkFinite) {
            for (int r = 0; r < planes.count; r++) {
                if (bad[r] >= 0) {
                    throw planes.nonFinite(r, bad[r]);
                }
            }
        }
    }

    /**
     * {@link #transform} of the {@code len} floats at {@code off} with one group's statistics: the kernel with
     * the parameters split and rounded as described there, or {@link #inDouble} when they do not fit a float.
     * Returns the offset in the run of the first non-finite input when {@code checkFinite}, otherwise -1.
     */
    private long affineRun(NormalizerSpec s, double shift, double scale, boolean inverse, Tensor in, Tensor out,
                           long off, int len, boolean checkFinite) {
        boolean clip = s.clip() && !inverse;
        double span = s.outSpan();
        double c = inverse ? s.outLo() : shift;
        float cHi = (float) c;
        float cLo = (float) (c - cHi);
        float mul = (float) (inverse ? scale / span : span / scale);
        float add = (float) (inverse ? shift : s.outLo());
        if (!Float.isFinite(cHi) || !Float.isFinite(mul) || !Float.isFinite(add)) {
            return inDouble(s, shift, scale, inverse, clip, in, out, off, len, checkFinite);
        }
        return kernels.normAffine(in.segment(), off, out.segment(), off, len, cHi, cLo, mul, add,
                clip ? 0f : Float.NEGATIVE_INFINITY, clip ? 1f : Float.POSITIVE_INFINITY, checkFinite);
    }
}
