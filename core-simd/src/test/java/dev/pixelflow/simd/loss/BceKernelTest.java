package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API binary cross-entropy kernel against the scalar (double) reference. Tolerance: per element
 * |vector - scalar| <= 2e-5 * (1 + |scalar|) for loss map and gradient, and the summed loss within a relative 1e-5
 * of the sum of |l| (the vector kernel computes in float lanes, flushing to double).
 */
class BceKernelTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int[] SIZES = {1, 7, 13, 33, 207, 4099};

    private final Kernels scalar = KernelProvider.scalar();
    private final Kernels vector = KernelProvider.vector();

    @Test
    void vectorMatchesScalar() {
        Random rnd = new Random(20261130L);
        try (Arena arena = Arena.ofConfined()) {
            for (int inner : SIZES) {
                for (int variant = 0; variant < 8; variant++) {
                    boolean withWeight = (variant & 1) != 0;
                    boolean withPos = (variant & 2) != 0;
                    boolean withOutputs = (variant & 4) != 0;
                    int batch = 2;
                    int channels = 3;
                    long n = (long) batch * channels * inner;
                    MemorySegment x = arena.allocate(n * 4);
                    MemorySegment y = arena.allocate(n * 4);
                    MemorySegment w = withWeight ? arena.allocate(n * 4) : null;
                    MemorySegment p = withPos ? arena.allocate(channels * 4L) : null;
                    for (long i = 0; i < n; i++) {
                        x.setAtIndex(F, i, (float) (rnd.nextGaussian() * 4));
                        float t = switch (rnd.nextInt(3)) {
                            case 0 -> 0f;
                            case 1 -> 1f;
                            default -> rnd.nextFloat();
                        };
                        y.setAtIndex(F, i, t);
                        if (w != null) {
                            w.setAtIndex(F, i, rnd.nextFloat() * 2);
                        }
                    }
                    if (p != null) {
                        for (int c = 0; c < channels; c++) {
                            p.setAtIndex(F, c, 0.25f + rnd.nextFloat() * 3);
                        }
                    }
                    compare(arena, x, y, w, p, batch, channels, inner, withOutputs, 0.37f,
                            "inner " + inner + " variant " + variant);
                }
            }
        }
    }

    @Test
    void extremeLogitsStayFinite() {
        float[] logits = {80f, -80f, 1e30f, -1e30f, 88f, -88f, 100f, -100f, 0f, 1e-30f, -1e-30f, 30f, -30f};
        float[] targets = {0f, 1f, 0.5f, 0.25f};
        int inner = logits.length * targets.length;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(inner * 4L);
            MemorySegment y = arena.allocate(inner * 4L);
            MemorySegment p = arena.allocate(4);
            p.setAtIndex(F, 0, 2.5f);
            int k = 0;
            for (float l : logits) {
                for (float t : targets) {
                    x.setAtIndex(F, k, l);
                    y.setAtIndex(F, k, t);
                    k++;
                }
            }
            compare(arena, x, y, null, p, 1, 1, inner, true, 1f, "extreme");
        }
    }

    @Test
    void invalidInputReturnsNaNWithoutWritingNaN() {
        for (Kernels k : new Kernels[] {scalar, vector}) {
            for (int bad = 0; bad < 3; bad++) {
                try (Arena arena = Arena.ofConfined()) {
                    int n = 37;
                    MemorySegment x = arena.allocate(n * 4L);
                    MemorySegment y = arena.allocate(n * 4L);
                    MemorySegment w = arena.allocate(n * 4L);
                    MemorySegment g = arena.allocate(n * 4L);
                    for (int i = 0; i < n; i++) {
                        x.setAtIndex(F, i, i - 18f);
                        y.setAtIndex(F, i, 0.5f);
                        w.setAtIndex(F, i, 1f);
                    }
                    switch (bad) {
                        case 0 -> x.setAtIndex(F, 20, Float.NaN);
                        case 1 -> y.setAtIndex(F, 20, 1.5f);
                        default -> w.setAtIndex(F, 20, -1f);
                    }
                    double s = k.bceWithLogits(x, y, w, null, 1, 1, n, 1f, g, null);
                    assertTrue(Double.isNaN(s), "bad input " + bad);
                    for (int i = 0; i < n; i++) {
                        assertTrue(Float.isFinite(g.getAtIndex(F, i)), "grad at " + i);
                    }
                }
            }
        }
    }

    /** The kernel path (no mask) of each provider agrees with the checking loop (all-zero mask) per reduction. */
    @Test
    void facadeKernelPathMatchesMaskedPath() {
        Random rnd = new Random(7L);
        int[] shape = {3, 2, 5, 7};
        float[] x = new float[3 * 2 * 5 * 7];
        float[] y = new float[x.length];
        float[] w = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 5);
            y[i] = rnd.nextFloat();
            w[i] = rnd.nextFloat() * 2;
        }
        try (Tensor xt = Tensor.zeros(shape).copyFrom(x);
             Tensor yt = Tensor.zeros(shape).copyFrom(y);
             Tensor wt = Tensor.zeros(shape).copyFrom(w);
             Tensor mask = Tensor.zeros(shape);
             Tensor g0 = Tensor.zeros(shape);
             Tensor m0 = Tensor.zeros(shape);
             Tensor g1 = Tensor.zeros(shape);
             Tensor m1 = Tensor.zeros(shape)) {
            for (Reduction r : Reduction.values()) {
                for (Ops.Provider p : new Ops.Provider[] {Ops.Provider.VECTOR, Ops.Provider.SCALAR}) {
                    BinaryCrossEntropy bce = BinaryCrossEntropy.builder().reduction(r)
                            .posWeight(new float[] {0.5f, 3f}).provider(p).build();
                    float ref = bce.forward(xt, yt, wt, mask, g0, m0);
                    float got = bce.forward(xt, yt, wt, null, g1, m1);
                    String what = r + " " + p;
                    assertEquals(ref, got, 1e-5 * (1 + Math.abs(ref)), what);
                    for (long i = 0; i < g0.size(); i++) {
                        assertEquals(g0.getFlat(i), g1.getFlat(i), 2e-5 * (1 + Math.abs(g0.getFlat(i))),
                                what + " grad " + i);
                        assertEquals(m0.getFlat(i), m1.getFlat(i), 2e-5 * (1 + Math.abs(m0.getFlat(i))),
                                what + " map " + i);
                    }
                }
            }
        }
    }

    @Test
    void facadeKernelPathStillNamesTheBadElement() {
        int[] shape = {2, 1, 4, 5};
        float[] x = new float[40];
        float[] y = new float[40];
        y[33] = 2f;
        try (Tensor xt = Tensor.zeros(shape).copyFrom(x);
             Tensor yt = Tensor.zeros(shape).copyFrom(y);
             Tensor g = Tensor.zeros(shape)) {
            BinaryCrossEntropy bce = BinaryCrossEntropy.builder().provider(Ops.Provider.VECTOR).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> bce.forward(xt, yt, null, null, g, null));
            assertEquals("target must be in [0, 1] but is 2.0 at [1, 0, 2, 3]", e.getMessage());
            for (long i = 0; i < g.size(); i++) {
                assertTrue(Float.isFinite(g.getFlat(i)));
            }
        }
    }

    private void compare(Arena arena, MemorySegment x, MemorySegment y, MemorySegment w, MemorySegment p,
            int batch, int channels, int inner, boolean withOutputs, float gradScale, String what) {
        long n = (long) batch * channels * inner;
        MemorySegment gs = withOutputs ? arena.allocate(n * 4) : null;
        MemorySegment ls = withOutputs ? arena.allocate(n * 4) : null;
        MemorySegment gv = withOutputs ? arena.allocate(n * 4) : null;
        MemorySegment lv = withOutputs ? arena.allocate(n * 4) : null;
        double ss = scalar.bceWithLogits(x, y, w, p, batch, channels, inner, gradScale, gs, ls);
        double sv = vector.bceWithLogits(x, y, w, p, batch, channels, inner, gradScale, gv, lv);
        assertTrue(Double.isFinite(ss) && Double.isFinite(sv), what + ": sums " + ss + " " + sv);
        double abs = 0;
        if (withOutputs) {
            for (long i = 0; i < n; i++) {
                float a = ls.getAtIndex(F, i);
                float b = lv.getAtIndex(F, i);
                abs += Math.abs(a);
                assertTrue(Float.isFinite(b), what + ": map at " + i);
                assertEquals(a, b, 2e-5 * (1 + Math.abs(a)), what + ": map at " + i);
                float ga = gs.getAtIndex(F, i);
                float gb = gv.getAtIndex(F, i);
                assertTrue(Float.isFinite(gb), what + ": grad at " + i);
                assertEquals(ga, gb, 2e-5 * (1 + Math.abs(ga)), what + ": grad at " + i);
            }
        } else {
            abs = Math.abs(ss);
        }
        assertEquals(ss, sv, 1e-5 * (1 + abs), what + ": sum");
    }
}
