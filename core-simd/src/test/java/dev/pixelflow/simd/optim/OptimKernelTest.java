package dev.pixelflow.simd.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API optimizer kernels against their scalar twins at awkward sizes and offsets. The updates do the
 * same float operations per element, so they must agree to the last bit; the squared norm agrees to 1e-5
 * relative (float blocks vs double).
 */
class OptimKernelTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int[] SIZES = {1, 7, 13, 33, 207, 4099};
    private final Kernels scalar = KernelProvider.scalar();
    private final Kernels vector = KernelProvider.vector();

    private static MemorySegment random(Arena a, SplittableRandom r, int n, double scale, boolean positive) {
        MemorySegment s = a.allocate((n + 1) * 4L, 64).asSlice(4); // unaligned by one float
        for (int i = 0; i < n; i++) {
            double x = r.nextGaussian() * scale;
            s.setAtIndex(F, i, (float) (positive ? Math.abs(x) : x));
        }
        return s;
    }

    private static MemorySegment copy(Arena a, MemorySegment s) {
        MemorySegment c = a.allocate(s.byteSize() + 4, 64).asSlice(4);
        c.copyFrom(s);
        return c;
    }

    private static void assertSameBits(MemorySegment e, MemorySegment a, int n, String what) {
        for (int i = 0; i < n; i++) {
            float x = e.getAtIndex(F, i);
            float y = a.getAtIndex(F, i);
            assertEquals(Float.floatToIntBits(x), Float.floatToIntBits(y), what + " element " + i + ": " + y
                    + " vs scalar " + x);
        }
    }

    @Test
    void sgdVectorMatchesScalar() {
        SplittableRandom r = new SplittableRandom(11);
        try (Arena a = Arena.ofConfined()) {
            for (int n : SIZES) {
                for (int variant = 0; variant < 4; variant++) {
                    boolean momentum = variant > 0;
                    boolean nesterov = variant == 2;
                    boolean first = variant == 3;
                    MemorySegment p = random(a, r, n, 1, false);
                    MemorySegment g = random(a, r, n, 0.5, false);
                    MemorySegment b = momentum ? random(a, r, n, 0.3, false) : null;
                    MemorySegment p2 = copy(a, p);
                    MemorySegment b2 = momentum ? copy(a, b) : null;
                    int off = n > 2 ? 1 : 0;
                    int len = n - 2 * off;
                    scalar.sgdUpdate(p, g, b, off, len, 0.1f, 0.01f, 0.9f, nesterov ? 0f : 0.2f, nesterov, first);
                    vector.sgdUpdate(p2, g, b2, off, len, 0.1f, 0.01f, 0.9f, nesterov ? 0f : 0.2f, nesterov, first);
                    assertSameBits(p, p2, n, "sgd p n=" + n + " variant " + variant);
                    if (momentum) {
                        assertSameBits(b, b2, n, "sgd buf n=" + n + " variant " + variant);
                    }
                }
            }
        }
    }

    @Test
    void adamVectorMatchesScalar() {
        SplittableRandom r = new SplittableRandom(12);
        try (Arena a = Arena.ofConfined()) {
            for (int n : SIZES) {
                for (boolean decoupled : new boolean[] {false, true}) {
                    MemorySegment p = random(a, r, n, 1, false);
                    MemorySegment g = random(a, r, n, 0.5, false);
                    MemorySegment m = random(a, r, n, 0.1, false);
                    MemorySegment v = random(a, r, n, 0.01, true);
                    MemorySegment p2 = copy(a, p);
                    MemorySegment m2 = copy(a, m);
                    MemorySegment v2 = copy(a, v);
                    float l2 = decoupled ? 0f : 0.05f;
                    float scale = decoupled ? 0.999f : 1f;
                    scalar.adamUpdate(p, g, m, v, 0, n, 0.9f, 0.1f, 0.999f, 0.001f, 0.013f, 0.07f, 1e-8f, l2, scale);
                    vector.adamUpdate(p2, g, m2, v2, 0, n, 0.9f, 0.1f, 0.999f, 0.001f, 0.013f, 0.07f, 1e-8f, l2, scale);
                    assertSameBits(p, p2, n, "adam p n=" + n);
                    assertSameBits(m, m2, n, "adam m n=" + n);
                    assertSameBits(v, v2, n, "adam v n=" + n);
                }
            }
        }
    }

    @Test
    void squaredNormAndClampVectorMatchScalar() {
        SplittableRandom r = new SplittableRandom(13);
        try (Arena a = Arena.ofConfined()) {
            for (int n : SIZES) {
                MemorySegment x = random(a, r, n, 2, false);
                double e = scalar.squaredNorm(x, n);
                double got = vector.squaredNorm(x, n);
                assertTrue(Math.abs(e - got) <= 1e-5 * e, "n=" + n + ": " + got + " vs " + e);
                // huge finite values overflow float squares but not the result
                x.setAtIndex(F, n / 2, 1e30f);
                assertTrue(Double.isFinite(vector.squaredNorm(x, n)), "1e30 at n=" + n);
                assertEquals(scalar.squaredNorm(x, n), vector.squaredNorm(x, n), 1e-5 * 1e60);
                x.setAtIndex(F, n - 1, Float.POSITIVE_INFINITY);
                assertEquals(Double.POSITIVE_INFINITY, vector.squaredNorm(x, n), "inf n=" + n);
                x.setAtIndex(F, 0, Float.NaN);
                assertTrue(Double.isNaN(vector.squaredNorm(x, n)), "nan n=" + n);
                assertTrue(Double.isNaN(scalar.squaredNorm(x, n)), "nan n=" + n);

                MemorySegment c = copy(a, x);
                scalar.clamp(x, -0.5f, 0.75f, n);
                vector.clamp(c, -0.5f, 0.75f, n);
                assertSameBits(x, c, n, "clamp n=" + n);
                assertTrue(Float.isNaN(c.getAtIndex(F, 0)), "NaN stays NaN");
            }
        }
    }
}
