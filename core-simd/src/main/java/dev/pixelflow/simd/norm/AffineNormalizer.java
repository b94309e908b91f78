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
        NormStats stats = GroupStatistics.compute(spec, kernels, null, in);
        transform(stats, in, out, false, false);
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
    private static long inDouble(NormStats stats, int g, boolean inverse, boolean clip, Tensor in, Tensor out,
                                 long off, int len, boolean checkFinite) {
        MemorySegment src = in.segment();
        MemorySegment dst = out.segment();
        if (checkFinite) {
            for (int i = 0; i < len; i++) {
                if (!Float.isFinite(src.getAtIndex(NormChecks.F32, off + i))) {
                    return i;
                }
            }
        }
        NormalizerSpec s = stats.spec();
        double shift = stats.shift(g);
        double mul = inverse ? stats.scale(g) / s.outSpan() : s.outSpan() / stats.scale(g);
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
        NormalizerSpec s = stats.spec();
        double outLo = s.outLo();
        double span = s.outSpan();
        boolean clip = s.clip() && !inverse;
        float lo = clip ? 0f : Float.NEGATIVE_INFINITY;
        float hi = clip ? 1f : Float.POSITIVE_INFINITY;
        int groups = stats.groups();
        float[] params = new float[4 * groups];
        for (int g = 0; g < groups; g++) {
            double shift = stats.shift(g);
            double scale = stats.scale(g);
            double c = inverse ? outLo : shift;
            float cHi = (float) c;
            params[4 * g] = cHi;
            params[4 * g + 1] = (float) (c - cHi);
            params[4 * g + 2] = (float) (inverse ? scale / span : span / scale);
            params[4 * g + 3] = (float) (inverse ? shift : outLo);
        }
        NormPlanes planes = NormPlanes.of(s.scope(), IN, in);
        long[] bad = new long[planes.count];
        planes.forEach(r -> {
            int g = planes.group[r];
            int p = 4 * g;
            long off = planes.offset[r];
            if (Float.isFinite(params[p]) && Float.isFinite(params[p + 2]) && Float.isFinite(params[p + 3])) {
                bad[r] = kernels.normAffine(in.segment(), off, out.segment(), off, planes.length[r], params[p],
                        params[p + 1], params[p + 2], params[p + 3], lo, hi, checkFinite);
            } else {
                bad[r] = inDouble(stats, g, inverse, clip, in, out, off, planes.length[r], checkFinite);
            }
        });
        if (checkFinite) {
            for (int r = 0; r < planes.count; r++) {
                if (bad[r] >= 0) {
                    throw planes.nonFinite(r, bad[r]);
                }
            }
        }
    }
}
