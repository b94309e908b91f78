package dev.pixelflow.simd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The normalization kernels: vector against scalar twin and against a double two-pass reference at awkward
 * sizes, on data with a large common offset, with NaN and infinities at random positions (tail included),
 * clamping and in-place use.
 */
class NormKernelTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int[] SIZES = {1, 7, 13, 33, 207, 4099, 100003};
    private static final Kernels VECTOR = KernelProvider.vector();
    private static final Kernels SCALAR = KernelProvider.scalar();
    private static final float[] BAD = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

    /** n floats starting {@code offset} floats into a fresh block (so views are unaligned for odd offsets). */
    private static MemorySegment block(Arena arena, long n) {
        return arena.allocate((n + 8) * Float.BYTES, 64);
    }

    private static void fill(MemorySegment s, long off, int n, SplittableRandom r, double mean, double std,
                             boolean gaussian) {
        for (int i = 0; i < n; i++) {
            double z = gaussian ? gauss(r) : 2 * r.nextDouble() - 1;
            s.setAtIndex(F, off + i, (float) (mean + std * z));
        }
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** Two-pass double reference: {mean, M2}. */
    private static double[] reference(MemorySegment s, long off, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += s.getAtIndex(F, off + i);
        }
        double mean = sum / n;
        double m2 = 0;
        for (int i = 0; i < n; i++) {
            double d = s.getAtIndex(F, off + i) - mean;
            m2 += d * d;
        }
        return new double[] {mean, m2};
    }

    @Test
    void momentsMatchTheDoubleTwoPassReference() {
        SplittableRandom r = new SplittableRandom(11);
        double[][] data = {{0, 1}, {1e4, 1}, {-3e5, 0.5}, {0.25, 1e-3}, {1e4, 0}};
        try (Arena arena = Arena.ofConfined()) {
            for (int n : SIZES) {
                for (double[] d : data) {
                    int off = r.nextInt(4);
                    MemorySegment s = block(arena, n + off);
                    fill(s, off, n, r, d[0], d[1], true);
                    double[] ref = reference(s, off, n);
                    double std = Math.sqrt(ref[1] / n);
                    for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
                        double[] out = {5, -1, -1, 7};
                        assertTrue(k.normMoments(s, off, n, out, 1), "finite data");
                        String what = k.description() + " n=" + n + " mean=" + d[0] + " std=" + d[1];
                        assertTrue(out[0] == 5 && out[3] == 7, what + ": wrote outside its slots");
                        assertEquals(ref[0], out[1], 1e-12 * Math.abs(ref[0]) + 1e-6 * std + 1e-30, what + ": mean");
                        assertEquals(ref[1], out[2], 1e-5 * ref[1] + 1e-30, what + ": M2");
                    }
                }
            }
        }
    }

    @Test
    void hugeFiniteValuesDoNotOverflowTheMoments() {
        try (Arena arena = Arena.ofConfined()) {
            for (int n : SIZES) {
                MemorySegment s = block(arena, n);
                for (int i = 0; i < n; i++) {
                    s.setAtIndex(F, i, i % 2 == 0 ? 3e38f : 2e38f);
                }
                double[] ref = reference(s, 0, n);
                for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
                    double[] out = new double[2];
                    assertTrue(k.normMoments(s, 0, n, out, 0), k.description() + " n=" + n);
                    assertEquals(ref[0], out[0], 1e-6 * ref[0], k.description() + " n=" + n);
                    assertEquals(ref[1], out[1], 1e-5 * ref[1] + 1e-30, k.description() + " n=" + n);
                }
            }
        }
    }

    @Test
    void minMaxAgreeExactly() {
        SplittableRandom r = new SplittableRandom(12);
        try (Arena arena = Arena.ofConfined()) {
            for (int n : SIZES) {
                int off = r.nextInt(4);
                MemorySegment s = block(arena, n + off);
                fill(s, off, n, r, 1e4, 3, false);
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    lo = Math.min(lo, s.getAtIndex(F, off + i));
                    hi = Math.max(hi, s.getAtIndex(F, off + i));
                }
                for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
                    double[] out = new double[4];
                    assertTrue(k.normMinMax(s, off, n, out, 2));
                    assertEquals(lo, out[2], 0.0, k.description() + " n=" + n);
                    assertEquals(hi, out[3], 0.0, k.description() + " n=" + n);
                }
            }
        }
    }

    @Test
    void nonFiniteValuesAreDetectedAnywhere() {
        SplittableRandom r = new SplittableRandom(13);
        try (Arena arena = Arena.ofConfined()) {
            for (int n : SIZES) {
                MemorySegment s = block(arena, n + 1);
                MemorySegment out = block(arena, n + 1);
                for (int trial = 0; trial < 8; trial++) {
                    fill(s, 1, n, r, 5, 2, false);
                    int at = trial == 0 ? n - 1 : trial == 1 ? 0 : r.nextInt(n);
                    float bad = BAD[trial % BAD.length];
                    s.setAtIndex(F, 1 + at, bad);
                    if (trial % 2 == 0 && at + 1 < n) {
                        s.setAtIndex(F, 1 + at + 1 + r.nextInt(n - at - 1), BAD[(trial + 1) % 3]);
                    }
                    String what = "n=" + n + " " + bad + " at " + at;
                    for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
                        double[] o = new double[2];
                        assertFalse(k.normMoments(s, 1, n, o, 0), k.description() + " moments " + what);
                        assertFalse(k.normMinMax(s, 1, n, o, 0), k.description() + " minMax " + what);
                        out.fill((byte) 0);
                        long got = k.normAffine(s, 1, out, 1, n, 0.5f, 0f, 2f, 1f, Float.NEGATIVE_INFINITY,
                                Float.POSITIVE_INFINITY, true);
                        assertEquals(at, got, k.description() + " affine " + what);
                        for (int i = at; i < n; i++) {
                            assertEquals(0f, out.getAtIndex(F, 1 + i), 0f, k.description() + " wrote " + i);
                        }
                        for (int i = 0; i < at - at % 2048; i++) {
                            float x = s.getAtIndex(F, 1 + i);
                            assertEquals(Math.fma(x - 0.5f, 2f, 1f), out.getAtIndex(F, 1 + i), 0f,
                                    k.description() + " chunks before the bad one are written, " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void affineVectorEqualsScalarBitForBitAlsoInPlaceAndClamped() {
        SplittableRandom r = new SplittableRandom(14);
        try (Arena arena = Arena.ofConfined()) {
            for (int n : SIZES) {
                for (int mode = 0; mode < 3; mode++) {
                    int off = r.nextInt(4);
                    MemorySegment in = block(arena, n + off);
                    fill(in, off, n, r, 1e4, 2, true);
                    double shift = 1e4 + r.nextDouble() - 0.5;
                    float hi = (float) shift;
                    float lo = (float) (shift - hi);
                    float mul = (float) (1 / (1 + r.nextDouble()));
                    float add = mode == 2 ? 0f : (float) r.nextDouble();
                    float clampLo = mode == 1 ? -0.5f : Float.NEGATIVE_INFINITY;
                    float clampHi = mode == 1 ? 0.75f : Float.POSITIVE_INFINITY;
                    boolean check = mode != 0;
                    MemorySegment vo = block(arena, n + off);
                    MemorySegment so = block(arena, n + off);
                    MemorySegment inPlace = block(arena, n + off);
                    inPlace.copyFrom(in);
                    assertEquals(-1, VECTOR.normAffine(in, off, vo, off, n, hi, lo, mul, add, clampLo, clampHi, check));
                    assertEquals(-1, SCALAR.normAffine(in, off, so, off, n, hi, lo, mul, add, clampLo, clampHi, check));
                    assertEquals(-1, VECTOR.normAffine(inPlace, off, inPlace, off, n, hi, lo, mul, add, clampLo,
                            clampHi, check));
                    for (int i = 0; i < n; i++) {
                        float v = vo.getAtIndex(F, off + i);
                        String what = "n=" + n + " mode " + mode + " element " + i;
                        assertEquals(so.getAtIndex(F, off + i), v, 0f, what + " vector vs scalar");
                        assertEquals(v, inPlace.getAtIndex(F, off + i), 0f, what + " in place");
                        double x = in.getAtIndex(F, off + i);
                        double y = Math.min(clampHi, Math.max(clampLo, (x - shift) * mul + add));
                        assertEquals(y, v, 1e-6 * Math.max(1, Math.abs(y)), what + " vs double");
                    }
                }
            }
        }
    }
}
