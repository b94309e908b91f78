package dev.pixelflow.simd.loss;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;

/**
 * Kernels and compute threads for the losses that run on the kernel layer. Losses are immutable values, so they
 * do not own threads: every loss configured with {@code t} threads uses the JVM-wide
 * {@link ComputePool#shared shared pool} of that size.
 */
final class LossThreads {
    private LossThreads() {
    }

    /** The shared pool of {@code threads} threads, or null for 1 (run on the calling thread). */
    static ComputePool pool(int threads) {
        return threads <= 1 ? null : ComputePool.shared(threads);
    }

    static Kernels kernels(Ops.Provider provider) {
        return switch (provider) {
            case AUTO -> KernelProvider.get();
            case VECTOR -> KernelProvider.vector();
            case SCALAR -> KernelProvider.scalar();
        };
    }

    static int checkThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return threads;
    }
}
