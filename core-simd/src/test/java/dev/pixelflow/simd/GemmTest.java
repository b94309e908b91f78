package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vector GEMM against the scalar reference and a double-precision triple loop: every transpose combination,
 * awkward sizes (edge tiles in both directions, k = 1, n = 1, one-row products), padded strides and offsets,
 * alpha/beta combinations, beta = 0 over NaN, one and two threads, nested calls from pool bodies, and the
 * facade's shape checks.
 */
class GemmTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int[] SIZES = {1, 7, 13, 33, 207};

    private static Ops scalar;
    private static Ops vector1;
    private static Ops vector2;
    private static ComputePool pool1;
    private static ComputePool pool2;

    @BeforeAll
    static void setUp() {
        scalar = Ops.builder().provider(Ops.Provider.SCALAR).threads(1).build();
        vector1 = Ops.builder().provider(Ops.Provider.VECTOR).threads(1).build();
        vector2 = Ops.builder().provider(Ops.Provider.VECTOR).threads(2).build();
        pool1 = new ComputePool(1);
        pool2 = new ComputePool(2);
    }

    @AfterAll
    static void tearDown() {
        scalar.close();
        vector1.close();
        vector2.close();
        pool1.close();
        pool2.close();
    }

    // ------------------------------------------------------------------ facade, all sizes

    @Test
    void allTransposesAllSizeCombinations() {
        Random r = new Random(11);
        for (int mask = 0; mask < 4; mask++) {
            boolean ta = (mask & 1) != 0;
            boolean tb = (mask & 2) != 0;
            for (int m : SIZES) {
                for (int n : SIZES) {
                    for (int k : SIZES) {
                        checkFacade(r, ta, tb, m, n, k, 1f, 0f);
                    }
                }
            }
        }
    }

    @Test
    void alphaBetaThroughFacade() {
        Random r = new Random(12);
        float[][] ab = {{1f, 1f}, {-0.5f, 2f}, {2.5f, 0f}, {0f, -1f}, {1f, 0.25f}};
        for (float[] x : ab) {
            for (int mask = 0; mask < 4; mask++) {
                checkFacade(r, (mask & 1) != 0, (mask & 2) != 0, 207, 13, 33, x[0], x[1]);
                checkFacade(r, (mask & 1) != 0, (mask & 2) != 0, 33, 207, 7, x[0], x[1]);
                checkFacade(r, (mask & 1) != 0, (mask & 2) != 0, 2, 207, 33, x[0], x[1]);
            }
        }
    }

    /** Larger products that reach the multi-block and multi-thread paths of the packed GEMM. */
    @Test
    void largerShapes() {
        Random r = new Random(13);
        int[][] shapes = {
            {300, 257, 129},  // op(A) packed whole, columns split over threads
            {300, 257, 400},  // A blocked by rows, two depth blocks
            {300, 129, 400},  // taller than wide: rows split over threads
            {64, 500, 700},   // convolution-like: three depth blocks, A kept whole
            {1, 4099, 200},   // one row, columns split over threads without packing
            {2, 1000, 300},
            {5, 3000, 40},
        };
        for (int[] s : shapes) {
            for (int mask = 0; mask < 4; mask++) {
                checkFacade(r, (mask & 1) != 0, (mask & 2) != 0, s[0], s[1], s[2], 1f, 0f);
            }
            checkFacade(r, false, false, s[0], s[1], s[2], 0.75f, -1.5f);
        }
    }

    private static void checkFacade(Random r, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta) {
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c0 = random(r, m * n);
        double[][] ref = reference(ta, tb, m, n, k, alpha, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, c0, 0, n);
        String what = (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
                + " beta=" + beta;
        float[] fromScalar = null;
        for (Ops ops : new Ops[] {scalar, vector1, vector2}) {
            try (Tensor ta2 = Tensor.of(a, ta ? new int[] {k, m} : new int[] {m, k});
                 Tensor tb2 = Tensor.of(b, tb ? new int[] {n, k} : new int[] {k, n});
                 Tensor tc = Tensor.of(c0, m, n)) {
                ops.gemm(ta, tb, alpha, ta2, tb2, beta, tc);
                float[] got = tc.toArray();
                assertClose(ref, got, 0, n, m, n, k, what + " " + ops);
                if (fromScalar == null) {
                    fromScalar = got;
                } else {
                    assertCloseToScalar(fromScalar, got, ref, 0, n, m, n, k, what + " " + ops);
                }
            }
        }
    }

    // ------------------------------------------------------------------ kernel: strides, offsets, beta = 0

    @Test
    void paddedStridesOffsetsAndAlphaBeta() {
        Random r = new Random(14);
        int[][] shapes = {{1, 1, 1}, {207, 13, 33}, {33, 207, 7}, {13, 33, 1}, {33, 1, 207}, {7, 13, 207},
            {2, 33, 13}, {100, 70, 333}, {64, 96, 40}};
        float[][] ab = {{1f, 0f}, {-1.25f, 0f}, {1f, 1f}, {0.5f, -2f}};
        for (int[] s : shapes) {
            for (int mask = 0; mask < 4; mask++) {
                for (float[] x : ab) {
                    for (ComputePool pool : new ComputePool[] {pool1, pool2}) {
                        checkKernel(r, pool, (mask & 1) != 0, (mask & 2) != 0, s[0], s[1], s[2], x[0], x[1]);
                    }
                }
            }
        }
    }

    /**
     * Runs the vector kernel on a sub-matrix of larger buffers: leading dimensions bigger than needed,
     * non-zero offsets, NaN everywhere outside the operands (must never be read), NaN in C when beta == 0
     * (must not propagate), and C's padding must come back untouched.
     */
    private static void checkKernel(Random r, ComputePool pool, boolean ta, boolean tb, int m, int n, int k,
                                    float alpha, float beta) {
        int lda = (ta ? m : k) + 3;
        int ldb = (tb ? k : n) + 5;
        int ldc = n + 2;
        long aOff = 7;
        long bOff = 13;
        long cOff = 3;
        int aRows = ta ? k : m;
        int bRows = tb ? n : k;
        String what = (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
                + " beta=" + beta + " threads=" + pool.threads();
        try (Arena arena = Arena.ofShared()) {
            float[] a = padded(r, aOff, aRows, ta ? m : k, lda);
            float[] b = padded(r, bOff, bRows, tb ? k : n, ldb);
            float[] c0 = padded(r, cOff, m, n, ldc);
            if (beta == 0f) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        c0[(int) cOff + i * ldc + j] = Float.NaN;
                    }
                }
            }
            double[][] ref = reference(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c0, cOff, ldc);
            MemorySegment as = segment(arena, a);
            MemorySegment bs = segment(arena, b);
            float[] fromScalar = null;
            for (Kernels kernels : new Kernels[] {KernelProvider.scalar(), KernelProvider.vector()}) {
                MemorySegment cs = segment(arena, c0);
                kernels.sgemm(pool, ta, tb, m, n, k, alpha, as, aOff, lda, bs, bOff, ldb, beta, cs, cOff, ldc);
                float[] got = cs.toArray(ValueLayout.JAVA_FLOAT);
                assertClose(ref, got, (int) cOff, ldc, m, n, k, what + " " + kernels.description());
                for (int idx = 0; idx < got.length; idx++) {
                    long rel = idx - cOff;
                    boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                    if (!inside && Float.floatToRawIntBits(got[idx]) != Float.floatToRawIntBits(c0[idx])) {
                        fail(what + ": C element " + idx + " outside the " + m + "x" + n + " block was written");
                    }
                }
                if (fromScalar == null) {
                    fromScalar = got;
                } else {
                    assertCloseToScalar(fromScalar, got, ref, (int) cOff, ldc, m, n, k, what);
                }
            }
        }
    }

    /** The vector kernel called from inside pool bodies (nested parallelFor runs inline), one product per thread. */
    @Test
    void nestedCallsFromPoolBodies() {
        Random r = new Random(15);
        int m = 70;
        int n = 300;
        int k = 150;
        Kernels v = KernelProvider.vector();
        try (Arena arena = Arena.ofShared()) {
            float[][] as = new float[2][];
            float[][] bs = new float[2][];
            MemorySegment[] aSeg = new MemorySegment[2];
            MemorySegment[] bSeg = new MemorySegment[2];
            MemorySegment[] cSeg = new MemorySegment[2];
            for (int t = 0; t < 2; t++) {
                as[t] = random(r, m * k);
                bs[t] = random(r, k * n);
                aSeg[t] = segment(arena, as[t]);
                bSeg[t] = segment(arena, bs[t]);
                cSeg[t] = arena.allocate((long) m * n * Float.BYTES, 64);
            }
            for (int rep = 0; rep < 3; rep++) {
                pool2.parallelFor(2, 2, (from, to) -> {
                    for (int t = from; t < to; t++) {
                        v.sgemm(pool2, false, t == 1, m, n, k, 1f, aSeg[t], 0, k, bSeg[t], 0, t == 1 ? k : n, 0f,
                                cSeg[t], 0, n);
                    }
                });
            }
            for (int t = 0; t < 2; t++) {
                double[][] ref = reference(false, t == 1, m, n, k, 1f, as[t], 0, k, bs[t], 0, t == 1 ? k : n, 0f,
                        new float[m * n], 0, n);
                assertClose(ref, cSeg[t].toArray(ValueLayout.JAVA_FLOAT), 0, n, m, n, k, "nested product " + t);
            }
        }
    }

    @Test
    void emptyDepthScalesC() {
        Random r = new Random(16);
        for (float beta : new float[] {0f, 2f}) {
            float[] c0 = random(r, 6);
            for (Ops ops : new Ops[] {scalar, vector2}) {
                try (Tensor a = Tensor.zeros(2, 0); Tensor b = Tensor.zeros(0, 3); Tensor c = Tensor.of(c0, 2, 3)) {
                    ops.gemm(false, false, 1f, a, b, beta, c);
                    float[] got = c.toArray();
                    for (int i = 0; i < 6; i++) {
                        assertEquals(beta * c0[i], got[i], 1e-6f, ops + " beta=" + beta);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ facade validation

    @Test
    void mismatchedInnerDimensionsNameTheShapes() {
        try (Tensor a = Tensor.zeros(3, 4); Tensor b = Tensor.zeros(5, 6); Tensor c = Tensor.zeros(3, 6)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> vector1.gemm(false, false, 1f, a, b, 0f, c));
            assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5, 6]"), e.getMessage());
            IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                    () -> vector1.gemm(true, false, 1f, a, b, 0f, c));
            assertTrue(t.getMessage().contains("[3, 4]") && t.getMessage().contains("transposed"), t.getMessage());
        }
    }

    @Test
    void wrongOutputShapeNamesTheShapes() {
        try (Tensor a = Tensor.zeros(3, 4); Tensor b = Tensor.zeros(4, 6); Tensor c = Tensor.zeros(3, 7)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> vector1.gemm(false, false, 1f, a, b, 0f, c));
            assertTrue(e.getMessage().contains("[3, 7]") && e.getMessage().contains("[3, 6]"), e.getMessage());
        }
        try (Tensor a = Tensor.zeros(3, 4); Tensor b = Tensor.zeros(6, 4); Tensor c = Tensor.zeros(6, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> vector1.gemm(false, true, 1f, a, b, 0f, c));
            assertTrue(e.getMessage().contains("[6, 3]") && e.getMessage().contains("[3, 6]"), e.getMessage());
        }
    }

    @Test
    void rankOtherThanTwoIsRejected() {
        try (Tensor a3 = Tensor.zeros(2, 3, 4); Tensor a = Tensor.zeros(3, 4); Tensor b = Tensor.zeros(4, 5);
             Tensor c = Tensor.zeros(3, 5); Tensor c1 = Tensor.zeros(15)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> vector1.gemm(false, false, 1f, a3, b, 0f, c));
            assertTrue(e.getMessage().contains("rank 2") && e.getMessage().contains("[2, 3, 4]"), e.getMessage());
            IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                    () -> vector1.gemm(false, false, 1f, a, b, 0f, c1));
            assertTrue(f.getMessage().contains("rank 2") && f.getMessage().contains("[15]"), f.getMessage());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2f - 1f;
        }
        return v;
    }

    /** A buffer of {@code off + rows*ld} floats: random inside the rows x cols block, NaN everywhere else. */
    private static float[] padded(Random r, long off, int rows, int cols, int ld) {
        float[] v = new float[(int) off + rows * ld + 4];
        java.util.Arrays.fill(v, Float.NaN);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                v[(int) off + i * ld + j] = r.nextFloat() * 2f - 1f;
            }
        }
        return v;
    }

    private static MemorySegment segment(Arena arena, float[] v) {
        MemorySegment s = arena.allocate((long) Math.max(1, v.length) * Float.BYTES, 64);
        MemorySegment.copy(v, 0, s, ValueLayout.JAVA_FLOAT, 0, v.length);
        return s;
    }

    /**
     * {@code [0]}: alpha * op(A) op(B) + beta * C in double; {@code [1]}: the matching magnitude
     * |alpha| * sum |a||b| + |beta * c|, which bounds the rounding error of a float computation.
     */
    private static double[][] reference(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, long aOff,
                                        int lda, float[] b, long bOff, int ldb, float beta, float[] c, long cOff,
                                        int ldc) {
        double[] out = new double[m * n];
        double[] mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double s2 = 0;
                for (int p = 0; p < k; p++) {
                    double av = a[(int) aOff + (ta ? p * lda + i : i * lda + p)];
                    double bv = b[(int) bOff + (tb ? j * ldb + p : p * ldb + j)];
                    s += av * bv;
                    s2 += Math.abs(av * bv);
                }
                double old = beta == 0f ? 0 : beta * (double) c[(int) cOff + i * ldc + j];
                out[i * n + j] = alpha * s + old;
                mag[i * n + j] = Math.abs(alpha) * s2 + Math.abs(old);
            }
        }
        return new double[][] {out, mag};
    }

    private static double tolerance(double magnitude, int k) {
        return 1e-5 * Math.sqrt(Math.max(1, k)) * (magnitude + 1e-3);
    }

    private static void assertClose(double[][] ref, float[] got, int cOff, int ldc, int m, int n, int k, String what) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float g = got[cOff + i * ldc + j];
                double want = ref[0][i * n + j];
                double tol = tolerance(ref[1][i * n + j], k);
                if (!(Math.abs(g - want) <= tol)) {
                    fail(what + ": C[" + i + "][" + j + "] = " + g + ", expected " + want + " (tolerance " + tol + ")");
                }
            }
        }
    }

    private static void assertCloseToScalar(float[] scalarOut, float[] got, double[][] ref, int cOff, int ldc, int m,
                                            int n, int k, String what) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = scalarOut[cOff + i * ldc + j];
                float g = got[cOff + i * ldc + j];
                double tol = 2 * tolerance(ref[1][i * n + j], k);
                if (!(Math.abs(s - g) <= tol)) {
                    fail(what + ": vector and scalar differ at C[" + i + "][" + j + "]: " + g + " vs " + s);
                }
            }
        }
    }
}
