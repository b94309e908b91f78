package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.internal.ComputePool;
import java.lang.foreign.MemorySegment;
import dev.pixelflow.simd.internal.scalar.ScalarPointwise;

/** Vector API pointwise kernels (until a vector version exists, an op runs its scalar twin). */
final class VectorPointwise {
    private VectorPointwise() {
    }

    static void activationForward(Activation f, MemorySegment x, MemorySegment y, long n) {
        ScalarPointwise.activationForward(f, x, y, n);
    }

    static void activationBackward(Activation f, MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, long n) {
        ScalarPointwise.activationBackward(f, x, y, dy, dx, n);
    }

    static void add(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        ScalarPointwise.add(a, b, out, n);
    }

    static void sub(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        ScalarPointwise.sub(a, b, out, n);
    }

    static void mul(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        ScalarPointwise.mul(a, b, out, n);
    }

    static void scale(MemorySegment a, float s, MemorySegment out, long n) {
        ScalarPointwise.scale(a, s, out, n);
    }

    static void axpy(float alpha, MemorySegment x, MemorySegment y, long n) {
        ScalarPointwise.axpy(alpha, x, y, n);
    }

    static void addChannelBias(MemorySegment x, MemorySegment bias, int batch, int channels, int inner) {
        ScalarPointwise.addChannelBias(x, bias, batch, channels, inner);
    }

    static float sum(MemorySegment a, long n) {
        return ScalarPointwise.sum(a, n);
    }

    static float dot(MemorySegment a, MemorySegment b, long n) {
        return ScalarPointwise.dot(a, b, n);
    }

    static float sumOfSquares(MemorySegment a, long n) {
        return ScalarPointwise.sumOfSquares(a, n);
    }

    static float max(MemorySegment a, long n) {
        return ScalarPointwise.max(a, n);
    }

    static float min(MemorySegment a, long n) {
        return ScalarPointwise.min(a, n);
    }

    static void pairwiseSquaredDistances(ComputePool pool, MemorySegment x, int n, MemorySegment y, int m, int d, MemorySegment out) {
        ScalarPointwise.pairwiseSquaredDistances(pool, x, n, y, m, d, out);
    }
}
