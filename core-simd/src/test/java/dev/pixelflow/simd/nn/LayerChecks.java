package dev.pixelflow.simd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Finite-difference checks for layers: the scalar loss {@code L = sum(y * r)} for a fixed random {@code r} has
 * {@code dL/dy = r}; backward's input and parameter gradients are compared with central differences of L in double.
 */
public final class LayerChecks {
    private static final Ops OPS = Ops.builder().threads(1).build();

    private LayerChecks() {
    }

    /** Checks every parameter gradient and the input gradient of {@code layer} on a random input. */
    public static void checkGradients(Layer layer, int[] inputShape, long seed) {
        try (Tensor x = random(inputShape, new SplittableRandom(seed), 1f)) {
            checkGradients(layer, x, seed, 1e-2, 2e-2);
        }
    }

    /**
     * Checks gradients at input {@code x} (owned by the caller) with step {@code h} and relative
     * tolerance {@code tol} (relative to {@code max(|analytic|, |numeric|, 1e-2)}).
     */
    public static void checkGradients(Layer layer, Tensor x, long seed, double h, double tol) {
        try (Model model = Model.create(layer, seed); Pass pass = model.newPass(OPS)) {
            Tensor y = pass.forward(x, true, seed);
            int[] outShape = y.shape();
            assertTrue(Arrays.equals(outShape, layer.outputShape(x.shape())),
                    "forward output " + Arrays.toString(outShape) + " differs from outputShape");
            try (Tensor r = random(outShape, new SplittableRandom(seed + 1), 1f);
                 Tensor dx = Tensor.zeros(x.shape())) {
                model.gradients().fill(Float.NaN); // backward must overwrite every gradient
                Tensor dIn = pass.backwardToInput(r);
                assertNotNull(dIn, "input gradient");
                dx.copyFrom(dIn);
                SplittableRandom pick = new SplittableRandom(seed + 2);
                compare("input", x, dx, () -> loss(pass, x, r, seed), h, tol, pick);
                for (Parameter p : model.parameters()) {
                    Tensor g = model.gradient(p);
                    try (Tensor gCopy = Tensor.zeros(g.shape())) {
                        gCopy.copyFrom(g);
                        compare(model.name(model.parameters().indexOf(p)), model.value(p), gCopy,
                                () -> loss(pass, x, r, seed), h, tol, pick);
                    }
                }
            }
        }
    }

    private static double loss(Pass pass, Tensor x, Tensor r, long seed) {
        Tensor y = pass.forward(x, true, seed);
        double s = 0;
        for (long i = 0; i < y.size(); i++) {
            s += (double) y.getFlat(i) * r.getFlat(i);
        }
        return s;
    }

    private static void compare(String what, Tensor t, Tensor analytic, java.util.function.DoubleSupplier loss,
                                double h, double tol, SplittableRandom pick) {
        long n = t.size();
        int samples = (int) Math.min(n, 24);
        for (int k = 0; k < samples; k++) {
            long i = n <= 24 ? k : pick.nextLong(n);
            float old = t.getFlat(i);
            t.setFlat(i, (float) (old + h));
            double up = loss.getAsDouble();
            t.setFlat(i, (float) (old - h));
            double down = loss.getAsDouble();
            t.setFlat(i, old);
            double numeric = (up - down) / (2 * h);
            double a = analytic.getFlat(i);
            assertTrue(Double.isFinite(a), what + " gradient at " + i + " is " + a);
            double scale = Math.max(Math.max(Math.abs(a), Math.abs(numeric)), 1e-2);
            assertEquals(numeric, a, tol * scale, what + " gradient at flat index " + i);
        }
    }

    /** A new tensor with values {@code U(-scale, scale)}. */
    public static Tensor random(int[] shape, SplittableRandom r, float scale) {
        Tensor t = Tensor.zeros(shape);
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, (float) ((2 * r.nextDouble() - 1) * scale));
        }
        return t;
    }
}
