package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Tensor;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Fills a parameter tensor with its initial values.
 *
 * <p>Fan-in and fan-out follow PyTorch's {@code _calculate_fan_in_and_fan_out}: for a tensor of rank >= 2 with
 * shape {@code [d0, d1, k...]}, {@code fanIn = d1 * prod(k)} and {@code fanOut = d0 * prod(k)}; a rank-1 tensor has
 * {@code fanIn = fanOut = d0}. So a convolution weight {@code [out, in/groups, kH, kW]} has
 * {@code fanIn = in/groups * kH * kW}, and a dense weight {@code [out, in]} has {@code fanIn = in}.
 */
@FunctionalInterface
public interface Initializer {
    /** Overwrites every element of {@code value}, drawing from {@code random}. */
    void initialize(Tensor value, SplittableRandom random);

    /** He/Kaiming normal for ReLU layers: {@code N(0, 2 / fanIn)}. */
    static Initializer heNormal() {
        return (t, r) -> gaussian(t, r, Math.sqrt(2.0 / fanIn(t.shape())));
    }

    /** He/Kaiming uniform for ReLU layers: {@code U(-b, b)}, {@code b = sqrt(6 / fanIn)}. */
    static Initializer heUniform() {
        return (t, r) -> uniform(t, r, Math.sqrt(6.0 / fanIn(t.shape())));
    }

    /** Xavier/Glorot uniform: {@code U(-b, b)}, {@code b = sqrt(6 / (fanIn + fanOut))}. */
    static Initializer xavierUniform() {
        return (t, r) -> uniform(t, r, Math.sqrt(6.0 / (fanIn(t.shape()) + fanOut(t.shape()))));
    }

    /** Xavier/Glorot normal: {@code N(0, 2 / (fanIn + fanOut))}. */
    static Initializer xavierNormal() {
        return (t, r) -> gaussian(t, r, Math.sqrt(2.0 / (fanIn(t.shape()) + fanOut(t.shape()))));
    }

    /** Every element {@code value}. */
    static Initializer constant(float value) {
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("initial value must be finite, got " + value);
        }
        return (t, r) -> t.fill(value);
    }

    /** All zeros (biases). */
    static Initializer zeros() {
        return constant(0f);
    }

    /** {@code U(lo, hi)}. */
    static Initializer uniform(float lo, float hi) {
        if (!(Float.isFinite(lo) && Float.isFinite(hi) && lo <= hi)) {
            throw new IllegalArgumentException("uniform range must be finite with lo <= hi, got [" + lo + ", " + hi
                    + "]");
        }
        return (t, r) -> {
            for (long i = 0; i < t.size(); i++) {
                t.setFlat(i, (float) (lo + (hi - lo) * r.nextDouble()));
            }
        };
    }

    /** {@code N(0, std^2)}. */
    static Initializer normal(float std) {
        if (!(std >= 0 && Float.isFinite(std))) {
            throw new IllegalArgumentException("standard deviation must be finite and >= 0, got " + std);
        }
        return (t, r) -> gaussian(t, r, std);
    }

    /** PyTorch's fan-in of a parameter shape (see the class comment). */
    static int fanIn(int[] shape) {
        Objects.requireNonNull(shape, "shape");
        return shape.length < 2 ? shape[0] : shape[1] * receptive(shape);
    }

    /** PyTorch's fan-out of a parameter shape (see the class comment). */
    static int fanOut(int[] shape) {
        return shape.length < 2 ? shape[0] : shape[0] * receptive(shape);
    }

    private static int receptive(int[] shape) {
        int r = 1;
        for (int i = 2; i < shape.length; i++) {
            r *= shape[i];
        }
        return r;
    }

    private static void gaussian(Tensor t, SplittableRandom r, double std) {
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, (float) (std * Gaussian.next(r)));
        }
    }

    private static void uniform(Tensor t, SplittableRandom r, double bound) {
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, (float) (bound * (2 * r.nextDouble() - 1)));
        }
    }
}
