package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.PoolGeometry;
import dev.pixelflow.simd.internal.UpsampleGeometry;
import dev.pixelflow.simd.internal.scalar.ScalarPooling;
import java.lang.foreign.MemorySegment;

/**
 * Vector API pooling and bilinear resizing; work is split over (image, channel) planes.
 *
 * <ul>
 *   <li>Max and average pooling forward vectorize over output columns whenever the horizontal stride is 1
 *       (any kernel, padding, dilation) or 2 with dilation 1 (2x2/2, 3x3/2 ...): stride-2 windows are read as
 *       pairs of vectors and split into even and odd columns, so no gathers are needed. Border columns and
 *       other geometries run a scalar loop.</li>
 *   <li>Backward passes vectorize the common non-overlapping 2x2/2 window; other geometries run the scalar
 *       reference (they are scatters into dx, where the arg-max or window is data- or position-dependent).</li>
 *   <li>Bilinear resizing is separable: rows are interpolated horizontally into scratch rows, then pairs of
 *       them are blended vertically with vector ops; the horizontal step is vectorized for exact 2x
 *       upsampling and a scalar loop for other ratios.</li>
 * </ul>
 */
final class VectorPooling {
    private VectorPooling() {
    }

    static void maxForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        if (!WindowRows.vectorizable(g)) {
            ScalarPooling.maxForward(pool, g, x, y);
            return;
        }
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                WindowRows.plane(g, x, p * inPlane, y, p * outPlane, true);
            }
        });
    }

    static void maxBackward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dx) {
        if (!Pool2x2.applies(g)) {
            ScalarPooling.maxBackward(pool, g, x, dy, dx);
            return;
        }
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                Pool2x2.maxBackwardPlane(g, x, dy, dx, p * inPlane, p * outPlane);
            }
        });
    }

    static void avgForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        if (!WindowRows.vectorizable(g)) {
            ScalarPooling.avgForward(pool, g, x, y);
            return;
        }
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                WindowRows.plane(g, x, p * inPlane, y, p * outPlane, false);
            }
        });
    }

    static void avgBackward(ComputePool pool, PoolGeometry g, MemorySegment dy, MemorySegment dx) {
        if (!Pool2x2.applies(g)) {
            ScalarPooling.avgBackward(pool, g, dy, dx);
            return;
        }
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                Pool2x2.avgBackwardPlane(g, dy, dx, p * inPlane, p * outPlane);
            }
        });
    }

    static void bilinearForward(ComputePool pool, UpsampleGeometry g, MemorySegment x, MemorySegment y) {
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                Bilinear.forwardPlane(g, x, p * inPlane, y, p * outPlane);
            }
        });
    }

    static void bilinearBackward(ComputePool pool, UpsampleGeometry g, MemorySegment dy, MemorySegment dx) {
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                Bilinear.backwardPlane(g, dy, p * outPlane, dx, p * inPlane);
            }
        });
    }
}
