package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Finite-difference checks of the convolution gradients through the facade, for both providers: with the
 * objective {@code L = sum(y * r)} for a fixed random r, dL/dy = r, so the backward ops fed with r must match
 * central differences of L in every input, weight and bias coordinate (a random subset of them).
 */
class ConvGradientTest {
    private static final float STEP = 1e-2f;
    private static final double REL_TOL = 3e-2;
    private static final int PROBES = 12;

    private record Geometry(int n, int cin, int h, int w, int cout, int kh, int kw, Conv2dSpec spec) {
    }

    private static final Geometry[] CONV = {
            new Geometry(2, 3, 9, 8, 4, 3, 3, Conv2dSpec.of(2, 1)),
            new Geometry(1, 4, 7, 9, 6, 3, 3, new Conv2dSpec(1, 1, 2, 2, 2, 2, 2, 0, 0)),
            new Geometry(2, 2, 6, 5, 3, 2, 3, new Conv2dSpec(1, 2, 0, 1, 1, 1, 1, 0, 0)),
    };

    private static final Geometry[] TRANSPOSED = {
            new Geometry(2, 4, 5, 6, 6, 3, 3, new Conv2dSpec(2, 2, 1, 1, 1, 1, 2, 1, 1)),
            new Geometry(1, 3, 4, 4, 2, 4, 4, Conv2dSpec.of(2, 1)),
            new Geometry(2, 2, 3, 5, 3, 3, 2, new Conv2dSpec(1, 2, 0, 1, 2, 1, 1, 0, 1)),
            new Geometry(1, 2, 4, 4, 2, 3, 3, new Conv2dSpec(1, 1, 2, 1, 3, 3, 1, 2, 2)),
    };

    @ParameterizedTest
    @EnumSource(value = Ops.Provider.class, names = {"SCALAR", "VECTOR"})
    void conv2dGradientsMatchFiniteDifferences(Ops.Provider provider) {
        try (Ops ops = Ops.builder().provider(provider).threads(2).build()) {
            for (Geometry g : CONV) {
                int[] xs = {g.n, g.cin, g.h, g.w};
                int[] ws = {g.cout, g.cin / g.spec.groups(), g.kh, g.kw};
                int[] ys = Ops.conv2dOutputShape(xs, ws, g.spec);
                SplittableRandom rnd = new SplittableRandom(g.hashCode());
                try (Tensor x = ConvTest.random(rnd, xs); Tensor w = ConvTest.random(rnd, ws);
                     Tensor b = ConvTest.random(rnd, g.cout); Tensor r = ConvTest.random(rnd, ys);
                     Tensor y = Tensor.zeros(ys); Tensor dx = Tensor.zeros(xs); Tensor dw = Tensor.zeros(ws);
                     Tensor db = Tensor.zeros(g.cout)) {
                    Runnable forward = () -> ops.conv2d(x, w, b, g.spec, y);
                    ops.conv2dBackwardData(r, w, g.spec, dx);
                    ops.conv2dBackwardWeight(x, r, g.spec, dw);
                    ops.conv2dBackwardBias(r, db);
                    String what = provider + " conv2d " + g;
                    check(what + " dx", x, dx, forward, y, r, rnd);
                    check(what + " dw", w, dw, forward, y, r, rnd);
                    check(what + " db", b, db, forward, y, r, rnd);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Ops.Provider.class, names = {"SCALAR", "VECTOR"})
    void convTranspose2dGradientsMatchFiniteDifferences(Ops.Provider provider) {
        transposed(provider, false);
    }

    @ParameterizedTest
    @EnumSource(value = Ops.Provider.class, names = {"SCALAR", "VECTOR"})
    void convTranspose2dBiasGradientMatchesFiniteDifferences(Ops.Provider provider) {
        ConvTest.requireChannelBias(() -> transposed(provider, true));
    }

    private static void transposed(Ops.Provider provider, boolean withBias) {
        try (Ops ops = Ops.builder().provider(provider).threads(2).build()) {
            for (Geometry g : TRANSPOSED) {
                int[] xs = {g.n, g.cin, g.h, g.w};
                int[] ws = {g.cin, g.cout / g.spec.groups(), g.kh, g.kw};
                int[] ys = Ops.convTranspose2dOutputShape(xs, ws, g.spec);
                SplittableRandom rnd = new SplittableRandom(g.hashCode() + 1);
                try (Tensor x = ConvTest.random(rnd, xs); Tensor w = ConvTest.random(rnd, ws);
                     Tensor b = ConvTest.random(rnd, g.cout); Tensor r = ConvTest.random(rnd, ys);
                     Tensor y = Tensor.zeros(ys); Tensor dx = Tensor.zeros(xs); Tensor dw = Tensor.zeros(ws);
                     Tensor db = Tensor.zeros(g.cout)) {
                    Runnable forward = () -> ops.convTranspose2d(x, w, withBias ? b : null, g.spec, y);
                    String what = provider + " convTranspose2d " + g;
                    if (withBias) {
                        ops.conv2dBackwardBias(r, db);
                        check(what + " db", b, db, forward, y, r, rnd);
                        continue;
                    }
                    ops.convTranspose2dBackwardData(r, w, g.spec, dx);
                    ops.convTranspose2dBackwardWeight(x, r, g.spec, dw);
                    check(what + " dx", x, dx, forward, y, r, rnd);
                    check(what + " dw", w, dw, forward, y, r, rnd);
                }
            }
        }
    }

    /** Central differences of L = sum(y * r) in a random subset of the coordinates of {@code param}. */
    private static void check(String what, Tensor param, Tensor grad, Runnable forward, Tensor y, Tensor r,
                              SplittableRandom rnd) {
        float[] g = grad.toArray();
        float[] rv = r.toArray();
        int probes = (int) Math.min(PROBES, param.size());
        for (int p = 0; p < probes; p++) {
            long i = probes == param.size() ? p : rnd.nextLong(param.size());
            float v = param.getFlat(i);
            param.setFlat(i, v + STEP);
            double plus = objective(forward, y, rv);
            param.setFlat(i, v - STEP);
            double minus = objective(forward, y, rv);
            param.setFlat(i, v);
            double fd = (plus - minus) / (2 * STEP);
            double err = Math.abs(fd - g[(int) i]);
            assertTrue(err <= REL_TOL * Math.max(1.0, Math.abs(fd)),
                    what + ": coordinate " + i + " analytic " + g[(int) i] + ", finite difference " + fd);
        }
    }

    private static double objective(Runnable forward, Tensor y, float[] r) {
        forward.run();
        float[] yv = y.toArray();
        double sum = 0;
        for (int i = 0; i < yv.length; i++) {
            sum += (double) yv[i] * r[i];
        }
        return sum;
    }
}
