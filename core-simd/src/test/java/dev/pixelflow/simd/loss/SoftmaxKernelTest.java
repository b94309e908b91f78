package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Vector API softmax cross-entropy kernel against the scalar (double) reference at awkward spatial sizes,
 * with class weights, label smoothing and ignored pixels, on 1 and 2 threads. Tolerance: per element
 * |vector - scalar| <= 2e-5 * (1 + |scalar|) for loss map and gradient, the summed loss within a relative 1e-5 of
 * the sum of |l|. The scalar kernel gives bit-identical results on one and two threads (fixed blocks, fixed
 * combination order); so would the vector kernel, except that the Vector API's EXP and LOG may round differently
 * (by an ulp) in interpreted and compiled code, so there 1 and 2 threads must agree to within those ulps (p_y - 1 cancels, so an ulp of p is absolute: 5e-7).
 */
class SoftmaxKernelTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int[] SIZES = {1, 7, 13, 33, 207, 5000};
    private static final int[] CLASSES = {1, 2, 3, 5, 21};

    private static ComputePool two;
    private final Kernels scalar = KernelProvider.scalar();
    private final Kernels vector = KernelProvider.vector();

    @BeforeAll
    static void startPool() {
        two = new ComputePool(2);
    }

    @AfterAll
    static void stopPool() {
        two.close();
    }

    /** Inputs of one case. */
    private record Case(int batch, int classes, int spatial, MemorySegment x, MemorySegment y, float[] w,
                        float ignore, float smoothing, float scale) {
        long logits() {
            return (long) batch * classes * spatial;
        }

        long pixels() {
            return (long) batch * spatial;
        }
    }

    private static Case random(Arena arena, SplittableRandom r, int batch, int classes, int spatial, boolean weighted,
                               float smoothing, float ignore, double ignoreFrac, float[] logitPool) {
        long n = (long) batch * classes * spatial;
        MemorySegment x = arena.allocate(n * 4);
        MemorySegment y = arena.allocate((long) batch * spatial * 4);
        for (long i = 0; i < n; i++) {
            float v = logitPool != null && r.nextInt(3) == 0 ? logitPool[r.nextInt(logitPool.length)]
                    : (float) (r.nextGaussian() * 4);
            x.setAtIndex(F, i, v);
        }
        for (long i = 0; i < (long) batch * spatial; i++) {
            y.setAtIndex(F, i, r.nextDouble() < ignoreFrac ? ignore : r.nextInt(classes));
        }
        float[] w = null;
        if (weighted) {
            w = new float[classes];
            for (int c = 0; c < classes; c++) {
                w[c] = (float) (r.nextDouble() * 2);
            }
        }
        return new Case(batch, classes, spatial, x, y, w, ignore, smoothing, 0.37f);
    }

    private record Out(double sum, MemorySegment grad, MemorySegment map) {
    }

    private static Out run(Arena arena, Kernels k, ComputePool pool, Case c, boolean outputs) {
        MemorySegment g = outputs ? arena.allocate(c.logits() * 4) : null;
        MemorySegment l = outputs ? arena.allocate(c.pixels() * 4) : null;
        if (outputs) {
            // outputs are overwritten everywhere, ignored pixels included
            g.fill((byte) 0x7f);
            l.fill((byte) 0x7f);
        }
        double s = k.softmaxCrossEntropy(pool, c.x(), c.y(), c.batch(), c.classes(), c.spatial(), c.w(), c.ignore(),
                c.smoothing(), c.scale(), g, l);
        return new Out(s, g, l);
    }

    private static void assertBitIdentical(Out a, Out b, long logits, long pixels, String what) {
        assertEquals(Double.doubleToLongBits(a.sum()), Double.doubleToLongBits(b.sum()), what + " sum");
        if (a.grad() != null) {
            for (long i = 0; i < logits; i++) {
                assertEquals(a.grad().getAtIndex(F, i), b.grad().getAtIndex(F, i), 0f, what + " grad " + i);
            }
            for (long i = 0; i < pixels; i++) {
                assertEquals(a.map().getAtIndex(F, i), b.map().getAtIndex(F, i), 0f, what + " map " + i);
            }
        }
    }

    private static void assertUlps(Out a, Out b, long logits, long pixels, String what) {
        assertEquals(a.sum(), b.sum(), 1e-6 * (1 + Math.abs(a.sum())), what + " sum");
        if (a.grad() != null) {
            for (long i = 0; i < logits; i++) {
                float e = a.grad().getAtIndex(F, i);
                assertEquals(e, b.grad().getAtIndex(F, i), 5e-7 + 1e-6 * Math.abs(e), what + " grad " + i);
            }
            for (long i = 0; i < pixels; i++) {
                float e = a.map().getAtIndex(F, i);
                assertEquals(e, b.map().getAtIndex(F, i), 5e-7 + 1e-6 * Math.abs(e), what + " map " + i);
            }
        }
    }

    private static void assertClose(Out s, Out v, Case c, String what) {
        double abs = 0;
        if (s.map() != null) {
            for (long i = 0; i < c.pixels(); i++) {
                float e = s.map().getAtIndex(F, i);
                float a = v.map().getAtIndex(F, i);
                assertTrue(Float.isFinite(a), what + " map " + i + " is " + a);
                assertEquals(e, a, 2e-5 * (1 + Math.abs(e)), what + " map " + i);
                abs += Math.abs(e);
            }
            for (long i = 0; i < c.logits(); i++) {
                float e = s.grad().getAtIndex(F, i);
                float a = v.grad().getAtIndex(F, i);
                assertTrue(Float.isFinite(a), what + " grad " + i + " is " + a);
                assertEquals(e, a, 2e-5 * (1 + Math.abs(e)), what + " grad " + i);
            }
        } else {
            abs = Math.abs(s.sum());
        }
        assertEquals(s.sum(), v.sum(), 1e-6 + 1e-5 * abs, what + " sum");
    }

    @Test
    void vectorMatchesScalarOnOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(20261130L);
        for (int spatial : SIZES) {
            for (int classes : CLASSES) {
                for (int variant = 0; variant < 8; variant++) {
                    boolean weighted = (variant & 1) != 0;
                    float smoothing = (variant & 2) != 0 ? 0.1f : 0f;
                    boolean outputs = (variant & 4) != 0 || spatial < 100;
                    // ignore: 255 (outside the classes), or a class index itself (it wins over the class)
                    float ignore = variant == 5 ? 0f : 255f;
                    try (Arena arena = Arena.ofShared()) {
                        Case c = random(arena, r, 2, classes, spatial, weighted, smoothing, ignore, 0.2, null);
                        String what = "S=" + spatial + " C=" + classes + " variant " + variant;
                        Out s1 = run(arena, scalar, null, c, outputs);
                        Out s2 = run(arena, scalar, two, c, outputs);
                        Out v1 = run(arena, vector, null, c, outputs);
                        Out v2 = run(arena, vector, two, c, outputs);
                        assertBitIdentical(s1, s2, c.logits(), c.pixels(), what + " scalar 1 vs 2 threads");
                        assertUlps(v1, v2, c.logits(), c.pixels(), what + " vector 1 vs 2 threads");
                        assertClose(s1, v1, c, what);
                        assertTrue(Double.isFinite(v1.sum()), what);
                    }
                }
            }
        }
    }

    @Test
    void labelWeightSumMatchesScalar() {
        SplittableRandom r = new SplittableRandom(5L);
        for (int spatial : SIZES) {
            for (int classes : CLASSES) {
                // ignore: outside the classes, or a class index itself (its labels are then ignored, not counted)
                for (float ignore : new float[] {-100f, 0f}) {
                    try (Arena arena = Arena.ofShared()) {
                        Case c = random(arena, r, 3, classes, spatial, true, 0f, ignore, 0.3, null);
                        double expect = 0;
                        long counted = 0;
                        for (long i = 0; i < c.pixels(); i++) {
                            float y = c.y().getAtIndex(F, i);
                            expect += y == ignore ? 0 : c.w()[(int) y];
                            counted += y == ignore ? 0 : 1;
                        }
                        String what = "S=" + spatial + " C=" + classes + " ignore " + ignore;
                        for (Kernels k : new Kernels[] {scalar, vector}) {
                            for (ComputePool pool : new ComputePool[] {null, two}) {
                                double got = k.softmaxLabelWeightSum(pool, c.y(), c.pixels(), classes, c.w(), ignore);
                                assertEquals(expect, got, 1e-6 * (1 + expect), k.description() + " " + what);
                                double unweighted = k.softmaxLabelWeightSum(pool, c.y(), c.pixels(), classes, null,
                                        ignore);
                                assertEquals(counted, unweighted, 0.0, k.description() + " " + what);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void extremeLogitsStayFinite() {
        float[] extremes = {30f, -30f, 80f, -80f, 0f};
        SplittableRandom r = new SplittableRandom(9L);
        for (int classes : CLASSES) {
            for (int spatial : new int[] {13, 207}) {
                try (Arena arena = Arena.ofShared()) {
                    Case c = random(arena, r, 2, classes, spatial, true, 0.2f, 255f, 0.1, extremes);
                    Out s = run(arena, scalar, null, c, true);
                    Out v = run(arena, vector, two, c, true);
                    assertTrue(Double.isFinite(s.sum()) && Double.isFinite(v.sum()), "C=" + classes);
                    assertClose(s, v, c, "extreme C=" + classes + " S=" + spatial);
                }
            }
        }
    }

    /**
     * An infinite logit is valid input, and its pixel's loss is NaN as in PyTorch (inf - inf in the log-sum-exp):
     * the two-class path, which evaluates one exponential per pixel, must not turn +inf into a finite loss.
     */
    @Test
    void infiniteLogitGivesNaNLikeTheScalarKernel() {
        for (int classes : new int[] {2, 3}) {
            for (float inf : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                try (Arena arena = Arena.ofShared()) {
                    int spatial = 37;
                    Case c = random(arena, new SplittableRandom(5), 1, classes, spatial, false, 0f, 255f, 0, null);
                    c.y().setAtIndex(F, 20, 0f);
                    c.x().setAtIndex(F, spatial + 20, inf);
                    Out s = run(arena, scalar, null, c, true);
                    Out v = run(arena, vector, null, c, true);
                    String what = "C=" + classes + " logit " + inf;
                    assertEquals(Double.isNaN(s.sum()), Double.isNaN(v.sum()), what + ": " + s.sum() + " vs " + v.sum());
                    assertEquals(inf > 0, Double.isNaN(v.sum()), what);
                    if (inf < 0) {
                        assertClose(s, v, c, what);
                    }
                }
            }
        }
    }

    @Test
    void invalidInputReturnsNaNWithoutWritingNaN() {
        for (Kernels k : new Kernels[] {scalar, vector}) {
            // two classes take their own vector path
            for (int bad = 0; bad < 8; bad++) {
                try (Arena arena = Arena.ofShared()) {
                    int classes = bad < 4 ? 3 : 2;
                    int spatial = 37;
                    Case c = random(arena, new SplittableRandom(bad), 1, classes, spatial, false, 0f, 255f, 0.1,
                            null);
                    switch (bad % 4) {
                        case 0 -> c.x().setAtIndex(F, spatial + 20, Float.NaN);
                        case 1 -> c.y().setAtIndex(F, 20, classes);
                        case 2 -> c.y().setAtIndex(F, 20, 1.5f);
                        default -> {
                            // a NaN logit under an ignored label is still rejected
                            c.y().setAtIndex(F, 20, 255f);
                            c.x().setAtIndex(F, 20, Float.NaN);
                        }
                    }
                    MemorySegment g = arena.allocate(c.logits() * 4);
                    MemorySegment l = arena.allocate(c.pixels() * 4);
                    double s = k.softmaxCrossEntropy(null, c.x(), c.y(), 1, classes, spatial, null, 255f, 0f, 1f, g,
                            l);
                    assertTrue(Double.isNaN(s), k.description() + " bad input " + bad);
                    for (long i = 0; i < c.logits(); i++) {
                        assertTrue(Float.isFinite(g.getAtIndex(F, i)), "grad at " + i);
                    }
                    if (bad % 4 == 1 || bad % 4 == 2) {
                        assertTrue(Double.isNaN(k.softmaxLabelWeightSum(null, c.y(), c.pixels(), classes, null,
                                255f)), "label sum, bad input " + bad);
                    }
                }
            }
        }
    }
}
