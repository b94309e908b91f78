package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Gaussian radial-basis-function units: input {@code [B, F]}, output {@code [B, K]} with
 * {@code y[b, k] = exp(-gamma_k * ||x[b] - c_k||^2)}.
 *
 * <p>Parameters: {@code centers [K, F]} ({@code U(-1, 1)} by default) and {@code logGamma [K]}. The widths are
 * parameterized by their logarithm, {@code gamma_k = exp(logGamma_k)}, so they stay positive under any gradient
 * step without clamping; the initial value is {@code log(gamma)} for the builder's {@code gamma} (1 by default).
 * Neither parameter takes weight decay. Gradients: {@code dy/dx = -2 gamma y (x - c)},
 * {@code dy/dc = 2 gamma y (x - c)}, {@code dy/dlogGamma = -gamma ||x - c||^2 y}.
 */
public final class Rbf implements Layer {
    private static final ValueLayout.OfFloat FL = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final int features;
    private final int units;
    private final Parameter centers;
    private final Parameter logGamma;

    private Rbf(Builder b) {
        this.features = b.features;
        this.units = b.units;
        this.centers = Parameter.of("centers", b.centerInit, false, units, features);
        this.logGamma = Parameter.of("logGamma", Initializer.constant((float) Math.log(b.gamma)), false, units);
    }

    /** {@code units} RBF units over {@code features} inputs. */
    public static Builder builder(int features, int units) {
        return new Builder(features, units);
    }

    /** {@code units} units over {@code features} inputs, centers {@code U(-1, 1)}, gamma 1. */
    public static Rbf of(int features, int units) {
        return builder(features, units).build();
    }

    public Parameter centers() {
        return centers;
    }

    /** The log-widths: {@code gamma_k = exp(logGamma_k)}. */
    public Parameter logGamma() {
        return logGamma;
    }

    @Override
    public int[] outputShape(int[] input) {
        Shapes.requireRows(this, input, features);
        return new int[] {input[0], units};
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        int[] s = outputShape(x.shape());
        Tensor d2 = pass.take(s);
        pass.ops().pairwiseSquaredDistances(x, pass.value(centers), d2);
        Tensor y = pass.take(s);
        MemorySegment dm = d2.segment();
        MemorySegment ym = y.segment();
        MemorySegment lg = pass.value(logGamma).segment();
        for (int b = 0; b < s[0]; b++) {
            for (int k = 0; k < units; k++) {
                long i = (long) b * units + k;
                ym.setAtIndex(FL, i, (float) Math.exp(-Math.exp(lg.getAtIndex(FL, k)) * dm.getAtIndex(FL, i)));
            }
        }
        pass.save(x);
        pass.save(d2);
        pass.save(y);
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor y = pass.restore();
        Tensor d2 = pass.restore();
        Tensor x = pass.restore();
        int batch = x.dim(0);
        MemorySegment xm = x.segment();
        MemorySegment ym = y.segment();
        MemorySegment dym = dy.segment();
        MemorySegment dm = d2.segment();
        MemorySegment cm = pass.value(centers).segment();
        MemorySegment lg = pass.value(logGamma).segment();
        // a[b, k] = dL/d(d2[b, k]) = -gamma_k * y * dy; kept in the d2 buffer after use, to avoid a new tensor
        MemorySegment glg = pass.grad(logGamma).segment();
        for (int k = 0; k < units; k++) {
            double gamma = Math.exp(lg.getAtIndex(FL, k));
            double s = 0;
            for (int b = 0; b < batch; b++) {
                long i = (long) b * units + k;
                double g = (double) dym.getAtIndex(FL, i) * ym.getAtIndex(FL, i);
                s -= g * gamma * dm.getAtIndex(FL, i);
                dm.setAtIndex(FL, i, (float) (-gamma * g));
            }
            glg.setAtIndex(FL, k, (float) s);
        }
        // dL/dc[k, f] = -2 * sum_b a[b, k] (x[b, f] - c[k, f])
        MemorySegment gc = pass.grad(centers).segment();
        for (int k = 0; k < units; k++) {
            for (int f = 0; f < features; f++) {
                double c = cm.getAtIndex(FL, (long) k * features + f);
                double s = 0;
                for (int b = 0; b < batch; b++) {
                    s += dm.getAtIndex(FL, (long) b * units + k) * (xm.getAtIndex(FL, (long) b * features + f) - c);
                }
                gc.setAtIndex(FL, (long) k * features + f, (float) (-2 * s));
            }
        }
        if (!inputGradient) {
            return null;
        }
        // dL/dx[b, f] = 2 * sum_k a[b, k] (x[b, f] - c[k, f])
        Tensor dx = pass.take(x.shape());
        MemorySegment dxm = dx.segment();
        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < features; f++) {
                double xv = xm.getAtIndex(FL, (long) b * features + f);
                double s = 0;
                for (int k = 0; k < units; k++) {
                    s += dm.getAtIndex(FL, (long) b * units + k) * (xv - cm.getAtIndex(FL, (long) k * features + f));
                }
                dxm.setAtIndex(FL, (long) b * features + f, (float) (2 * s));
            }
        }
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(centers, logGamma);
    }

    @Override
    public String toString() {
        return "Rbf(" + features + "->" + units + ")";
    }

    /** Options of an {@link Rbf}; defaults: centers {@code U(-1, 1)}, gamma 1. */
    public static final class Builder {
        private final int features;
        private final int units;
        private Initializer centerInit = Initializer.uniform(-1f, 1f);
        private double gamma = 1.0;

        private Builder(int features, int units) {
            if (features < 1 || units < 1) {
                throw new IllegalArgumentException("Rbf: features and units must be >= 1, got features " + features
                        + ", units " + units);
            }
            this.features = features;
            this.units = units;
        }

        /** Initial centers (the parameter is {@code [units, features]}). */
        public Builder centers(Initializer init) {
            this.centerInit = Objects.requireNonNull(init, "centers initializer");
            return this;
        }

        /** The initial width of every unit, {@code gamma > 0} (stored as its logarithm). */
        public Builder gamma(double gamma) {
            if (!(gamma > 0 && Double.isFinite(gamma))) {
                throw new IllegalArgumentException("Rbf: gamma must be finite and > 0, got " + gamma);
            }
            this.gamma = gamma;
            return this;
        }

        public Rbf build() {
            return new Rbf(this);
        }
    }
}
