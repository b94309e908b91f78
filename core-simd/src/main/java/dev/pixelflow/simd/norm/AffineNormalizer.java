package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** The one {@link Normalizer} implementation: a per-group affine map. */
final class AffineNormalizer implements Normalizer {
    private final NormalizerSpec spec;
    private NormStats last;

    AffineNormalizer(NormalizerSpec spec, NormStats fitted) {
        this.spec = Objects.requireNonNull(spec, "spec");
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
            NormChecks.requireFinite("in", in);
            checkGroups(last, in);
            return last;
        }
        return GroupStatistics.compute(spec, in);
    }

    @Override
    public NormStats apply(Tensor in, Tensor out) {
        NormChecks.requireSameShape("in", in, "out", out);
        NormStats stats = statistics(in);
        transform(stats, in, out, false);
        last = stats;
        return stats;
    }

    @Override
    public void apply(NormStats stats, Tensor in, Tensor out) {
        NormChecks.requireSameShape("in", in, "out", out);
        NormChecks.requireFinite("in", in);
        transform(stats, in, out, false);
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
        transform(stats, in, out, true);
    }

    private static void checkGroups(NormStats stats, Tensor in) {
        NormScope scope = stats.spec().scope();
        int expected = scope.groups(in.dim(0), in.dim(1));
        if (stats.groups() != expected) {
            throw new IllegalArgumentException("statistics have " + stats.groups() + " groups but " + scope
                    + " on shape " + in.shapeString() + " needs " + expected);
        }
    }

    private static void transform(NormStats stats, Tensor in, Tensor out, boolean inverse) {
        Objects.requireNonNull(stats, "stats");
        checkGroups(stats, in);
        NormalizerSpec s = stats.spec();
        double outLo = s.outLo();
        double span = s.outSpan();
        boolean clip = s.clip() && !inverse;
        MemorySegment dst = out.segment();
        GroupStatistics.forPlanes(in, s.scope(), (src, off, len, g) -> {
            double shift = stats.shift(g);
            double scale = stats.scale(g);
            double mul = inverse ? scale / span : span / scale;
            for (long i = 0; i < len; i++) {
                double x = src.getAtIndex(NormChecks.F32, off + i);
                double y = inverse ? shift + (x - outLo) * mul : outLo + (x - shift) * mul;
                if (clip) {
                    y = Math.min(1.0, Math.max(0.0, y));
                }
                dst.setAtIndex(NormChecks.F32, off + i, (float) y);
            }
        });
    }
}
