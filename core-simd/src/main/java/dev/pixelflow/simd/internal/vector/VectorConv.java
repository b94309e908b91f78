package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.ConvGeometry;
import java.lang.foreign.MemorySegment;
import dev.pixelflow.simd.internal.scalar.ScalarConv;

/** Vector API conv kernels (until a vector version exists, an op runs its scalar twin). */
final class VectorConv {
    private VectorConv() {
    }

    static void forward(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment w, MemorySegment bias, MemorySegment y) {
        ScalarConv.forward(pool, g, x, w, bias, y);
    }

    static void backwardData(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment w, MemorySegment dx) {
        ScalarConv.backwardData(pool, g, dy, w, dx);
    }

    static void backwardWeight(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dw) {
        ScalarConv.backwardWeight(pool, g, x, dy, dw);
    }

    static void backwardBias(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment db) {
        ScalarConv.backwardBias(pool, g, dy, db);
    }
}
