package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.ConvGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API convolution kernels. All three passes are direct convolutions over a padded heap copy of one
 * image ({@link ConvForward}, {@link ConvBackwardData}, {@link ConvBackwardWeight}); images are split over the
 * pool when they divide evenly between the threads (or are many), else the tiles of each image are.
 */
final class VectorConv {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ByteOrder O = Simd.ORDER;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private VectorConv() {
    }

    static void forward(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment w, MemorySegment bias,
                        MemorySegment y) {
        assert x.byteSize() >= g.inputSize() * Float.BYTES && w.byteSize() >= g.weightSize() * Float.BYTES : g;
        assert y.byteSize() >= g.outputSize() * Float.BYTES && (bias == null || bias.byteSize() >= 4L * g.cout()) : g;
        ConvForward.run(pool, g, x, w, bias, y);
    }

    static void backwardData(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment w, MemorySegment dx) {
        assert dy.byteSize() >= g.outputSize() * Float.BYTES && w.byteSize() >= g.weightSize() * Float.BYTES : g;
        assert dx.byteSize() >= g.inputSize() * Float.BYTES : g;
        ConvBackwardData.run(pool, g, dy, w, dx);
    }

    static void backwardWeight(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment dy,
                               MemorySegment dw) {
        assert x.byteSize() >= g.inputSize() * Float.BYTES && dy.byteSize() >= g.outputSize() * Float.BYTES : g;
        assert dw.byteSize() >= g.weightSize() * Float.BYTES : g;
        ConvBackwardWeight.run(pool, g, x, dy, dw);
    }

    /** Channel sums of dy; each channel is summed by one thread, images in order. */
    static void backwardBias(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment db) {
        assert dy.byteSize() >= g.outputSize() * Float.BYTES && db.byteSize() >= 4L * g.cout() : g;
        long plane = (long) g.oh() * g.ow();
        int cout = g.cout();
        pool.parallelFor(cout, (from, to) -> {
            for (int co = from; co < to; co++) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                float tail = 0f;
                for (int b = 0; b < g.n(); b++) {
                    long base = ((long) b * cout + co) * plane;
                    long i = 0;
                    for (; i <= plane - 4L * L; i += 4L * L) {
                        long at = (base + i) * Float.BYTES;
                        a0 = a0.add(FloatVector.fromMemorySegment(S, dy, at, O));
                        a1 = a1.add(FloatVector.fromMemorySegment(S, dy, at + (long) L * Float.BYTES, O));
                        a2 = a2.add(FloatVector.fromMemorySegment(S, dy, at + 2L * L * Float.BYTES, O));
                        a3 = a3.add(FloatVector.fromMemorySegment(S, dy, at + 3L * L * Float.BYTES, O));
                    }
                    for (; i <= plane - L; i += L) {
                        a0 = a0.add(FloatVector.fromMemorySegment(S, dy, (base + i) * Float.BYTES, O));
                    }
                    for (; i < plane; i++) {
                        tail += dy.getAtIndex(F, base + i);
                    }
                }
                db.setAtIndex(F, co, Simd.sum(a0.add(a1).add(a2.add(a3))) + tail);
            }
        });
    }
}
