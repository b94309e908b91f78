package dev.pixelflow.simd.internal.scalar;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.PoolGeometry;
import dev.pixelflow.simd.internal.UpsampleGeometry;
import java.lang.foreign.MemorySegment;

/** Reference pooling and bilinear resizing. */
public final class ScalarPooling {
    private ScalarPooling() {
    }

    public static void maxForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        throw new UnsupportedOperationException("maxPool2d");
    }

    public static void maxBackward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dx) {
        throw new UnsupportedOperationException("maxPool2dBackward");
    }

    public static void avgForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        throw new UnsupportedOperationException("avgPool2d");
    }

    public static void avgBackward(ComputePool pool, PoolGeometry g, MemorySegment dy, MemorySegment dx) {
        throw new UnsupportedOperationException("avgPool2dBackward");
    }

    public static void bilinearForward(ComputePool pool, UpsampleGeometry g, MemorySegment x, MemorySegment y) {
        throw new UnsupportedOperationException("upsampleBilinear");
    }

    public static void bilinearBackward(ComputePool pool, UpsampleGeometry g, MemorySegment dy, MemorySegment dx) {
        throw new UnsupportedOperationException("upsampleBilinearBackward");
    }
}
