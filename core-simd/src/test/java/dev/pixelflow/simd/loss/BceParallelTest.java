package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The binary cross-entropy kernels split over two threads: vector (two threads) against scalar (one thread) at
 * awkward sizes and at planes longer than one parallel block, with the tolerances of {@link BceKernelTest}; the
 * scalar kernel bit-identical on one and two threads; the facade with {@code threads(2)} against
 * {@code threads(1)} (to the ulps by which the vector EXP may differ between interpreted and compiled code).
 */
class BceParallelTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int[] SIZES = {1, 7, 13, 33, 207, 4099, 40_003};

    private final Kernels scalar = KernelProvider.scalar();
    private final Kernels vector = KernelProvider.vector();

    @Test
    void twoThreadVectorMatchesScalar() {
        Random rnd = new Random(99L);
        try (ComputePool two = new ComputePool(2); Arena arena = Arena.ofShared()) {
            for (int inner : SIZES) {
                for (int variant = 0; variant < 4; variant++) {
                    boolean withWeight = (variant & 1) != 0;
                    boolean withPos = (variant & 2) != 0;
                    int batch = 2;
                    int channels = 2;
                    long n = (long) batch * channels * inner;
                    MemorySegment x = arena.allocate(n * 4);
                    MemorySegment y = arena.allocate(n * 4);
                    MemorySegment w = withWeight ? arena.allocate(n * 4) : null;
                    MemorySegment p = withPos ? arena.allocate(channels * 4L) : null;
                    for (long i = 0; i < n; i++) {
                        x.setAtIndex(F, i, (float) (rnd.nextGaussian() * 4));
                        y.setAtIndex(F, i, rnd.nextInt(3) == 0 ? rnd.nextFloat() : rnd.nextInt(2));
                        if (w != null) {
                            w.setAtIndex(F, i, rnd.nextFloat() * 2);
                        }
                    }
                    if (p != null) {
                        for (int c = 0; c < channels; c++) {
                            p.setAtIndex(F, c, 0.25f + rnd.nextFloat() * 3);
                        }
                    }
                    String what = "inner " + inner + " variant " + variant;
                    MemorySegment gs = arena.allocate(n * 4);
                    MemorySegment ls = arena.allocate(n * 4);
                    MemorySegment gs2 = arena.allocate(n * 4);
                    MemorySegment ls2 = arena.allocate(n * 4);
                    MemorySegment gv = arena.allocate(n * 4);
                    MemorySegment lv = arena.allocate(n * 4);
                    double ss = scalar.bceWithLogits(null, x, y, w, p, batch, channels, inner, 0.37f, gs, ls);
                    double ss2 = scalar.bceWithLogits(two, x, y, w, p, batch, channels, inner, 0.37f, gs2, ls2);
                    double sv = vector.bceWithLogits(two, x, y, w, p, batch, channels, inner, 0.37f, gv, lv);
                    assertEquals(Double.doubleToLongBits(ss), Double.doubleToLongBits(ss2), what + " scalar 1 vs 2");
                    double abs = 0;
                    for (long i = 0; i < n; i++) {
                        float a = ls.getAtIndex(F, i);
                        abs += Math.abs(a);
                        assertEquals(a, ls2.getAtIndex(F, i), 0f, what + " scalar map " + i);
                        assertEquals(gs.getAtIndex(F, i), gs2.getAtIndex(F, i), 0f, what + " scalar grad " + i);
                        assertEquals(a, lv.getAtIndex(F, i), 2e-5 * (1 + Math.abs(a)), what + " map " + i);
                        float g = gs.getAtIndex(F, i);
                        assertEquals(g, gv.getAtIndex(F, i), 2e-5 * (1 + Math.abs(g)), what + " grad " + i);
                    }
                    assertEquals(ss, sv, 1e-5 * (1 + abs), what + " sum");
                    // without outputs the sum is the same computation
                    double svNoOut = vector.bceWithLogits(two, x, y, w, p, batch, channels, inner, 0.37f, null, null);
                    assertEquals(sv, svNoOut, 1e-6 * (1 + abs), what + " sum without outputs");
                }
            }
        }
    }

    @Test
    void facadeGivesTheSameResultOnOneAndTwoThreads() {
        Random rnd = new Random(5L);
        int[] shape = {3, 2, 97, 211};
        try (Tensor x = Tensor.zeros(shape); Tensor y = Tensor.zeros(shape); Tensor g1 = Tensor.zeros(shape);
                Tensor g2 = Tensor.zeros(shape); Tensor m1 = Tensor.zeros(shape); Tensor m2 = Tensor.zeros(shape)) {
            for (long i = 0; i < x.size(); i++) {
                x.setFlat(i, (float) (rnd.nextGaussian() * 3));
                y.setFlat(i, rnd.nextInt(2));
            }
            for (Reduction r : Reduction.values()) {
                for (Ops.Provider p : new Ops.Provider[] {Ops.Provider.VECTOR, Ops.Provider.SCALAR}) {
                    BinaryCrossEntropy one = BinaryCrossEntropy.builder().reduction(r).provider(p).threads(1).build();
                    BinaryCrossEntropy two = BinaryCrossEntropy.builder().reduction(r).provider(p).threads(2).build();
                    float a = one.forward(x, y, null, null, g1, m1);
                    float b = two.forward(x, y, null, null, g2, m2);
                    String what = r + " " + p;
                    assertEquals(a, b, 1e-6 * (1 + Math.abs(a)), what);
                    // the Vector API's EXP may round an ulp differently before and after JIT compilation, and
                    // sigmoid - 1 turns that ulp into an absolute error of the gradient's scale
                    double gMax = 0;
                    for (long i = 0; i < x.size(); i++) {
                        gMax = Math.max(gMax, Math.abs(g1.getFlat(i)));
                    }
                    for (long i = 0; i < x.size(); i++) {
                        float e = g1.getFlat(i);
                        assertTrue(Float.isFinite(g2.getFlat(i)), what);
                        assertEquals(e, g2.getFlat(i), 1e-6 * (gMax + Math.abs(e)), what + " grad " + i);
                        assertEquals(m1.getFlat(i), m2.getFlat(i), 1e-6 * (1 + Math.abs(m1.getFlat(i))),
                                what + " map " + i);
                    }
                }
            }
        }
    }
}
