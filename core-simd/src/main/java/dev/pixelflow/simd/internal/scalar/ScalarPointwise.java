package dev.pixelflow.simd.internal.scalar;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.internal.ComputePool;
import java.lang.foreign.MemorySegment;

/** Reference activations, elementwise ops, reductions and pairwise distances. */
public final class ScalarPointwise {
    private ScalarPointwise() {
    }

    public static void activationForward(Activation f, MemorySegment x, MemorySegment y, long n) {
        throw new UnsupportedOperationException("activation");
    }

    public static void activationBackward(Activation f, MemorySegment x, MemorySegment y, MemorySegment dy,
                                          MemorySegment dx, long n) {
        throw new UnsupportedOperationException("activationBackward");
    }

    public static void add(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        throw new UnsupportedOperationException("add");
    }

    public static void sub(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        throw new UnsupportedOperationException("sub");
    }

    public static void mul(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        throw new UnsupportedOperationException("mul");
    }

    public static void scale(MemorySegment a, float s, MemorySegment out, long n) {
        throw new UnsupportedOperationException("scale");
    }

    public static void axpy(float alpha, MemorySegment x, MemorySegment y, long n) {
        throw new UnsupportedOperationException("axpy");
    }

    public static void addChannelBias(MemorySegment x, MemorySegment bias, int batch, int channels, int inner) {
        throw new UnsupportedOperationException("addChannelBias");
    }

    public static float sum(MemorySegment a, long n) {
        throw new UnsupportedOperationException("sum");
    }

    public static float dot(MemorySegment a, MemorySegment b, long n) {
        throw new UnsupportedOperationException("dot");
    }

    public static float sumOfSquares(MemorySegment a, long n) {
        throw new UnsupportedOperationException("sumOfSquares");
    }

    public static float max(MemorySegment a, long n) {
        throw new UnsupportedOperationException("max");
    }

    public static float min(MemorySegment a, long n) {
        throw new UnsupportedOperationException("min");
    }

    public static void pairwiseSquaredDistances(ComputePool pool, MemorySegment x, int n, MemorySegment y, int m,
                                                int d, MemorySegment out) {
        throw new UnsupportedOperationException("pairwiseSquaredDistances");
    }
}
