package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.PoolGeometry;
import dev.pixelflow.simd.internal.UpsampleGeometry;
import java.lang.foreign.MemorySegment;
import dev.pixelflow.simd.internal.scalar.ScalarPooling;

/** Vector API pooling kernels (until a vector version exists, an op runs its scalar twin). */
final class VectorPooling {
    private VectorPooling() {
    }

    static void maxForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        ScalarPooling.maxForward(pool, g, x, y);
    }

    static void maxBackward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dx) {
        ScalarPooling.maxBackward(pool, g, x, dy, dx);
    }

    static void avgForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        ScalarPooling.avgForward(pool, g, x, y);
    }

    static void avgBackward(ComputePool pool, PoolGeometry g, MemorySegment dy, MemorySegment dx) {
        ScalarPooling.avgBackward(pool, g, dy, dx);
    }

    static void bilinearForward(ComputePool pool, UpsampleGeometry g, MemorySegment x, MemorySegment y) {
        ScalarPooling.bilinearForward(pool, g, x, y);
    }

    static void bilinearBackward(ComputePool pool, UpsampleGeometry g, MemorySegment dy, MemorySegment dx) {
        ScalarPooling.bilinearBackward(pool, g, dy, dx);
    }
}
