package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Helpers shared by the kernel tests: unaligned tensor views, random data, comparisons. */
final class KernelTesting {
    private KernelTesting() {
    }

    /**
     * A tensor view that starts {@code offset} floats into a fresh 64-byte-aligned block of the shared arena,
     * so an odd offset gives a view that is not even 8-byte aligned. Shared, because kernels touch it from the
     * pool's threads.
     */
    static Tensor view(Arena arena, int offset, int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        MemorySegment block = arena.allocate((n + offset + 1) * Float.BYTES, 64);
        return Tensor.wrap(block.asSlice((long) offset * Float.BYTES), shape);
    }

    /** {@link #view} filled with uniform values in [lo, hi). */
    static Tensor random(Arena arena, int offset, Random rnd, float lo, float hi, int... shape) {
        Tensor t = view(arena, offset, shape);
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, lo + (hi - lo) * rnd.nextFloat());
        }
        return t;
    }

    static Tensor copyOf(Arena arena, int offset, Tensor src) {
        Tensor t = view(arena, offset, src.shape());
        t.copyFrom(src);
        return t;
    }

    static float[] randomArray(Random rnd, int n, float lo, float hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * rnd.nextFloat();
        }
        return a;
    }

    /** Bit-for-bit equality (so NaN equals NaN, and 0 equals -0 only through {@code ==}). */
    static void assertSame(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": size");
        for (long i = 0; i < expected.size(); i++) {
            float e = expected.getFlat(i);
            float a = actual.getFlat(i);
            if (!(e == a || (Float.isNaN(e) && Float.isNaN(a)))) {
                fail(what + ": element " + i + " of " + expected.shapeString() + " is " + a + ", expected " + e);
            }
        }
    }

    /** |a - e| &lt;= abs + rel * |e| elementwise; NaN must match NaN. */
    static void assertClose(Tensor expected, Tensor actual, double abs, double rel, String what) {
        assertEquals(expected.size(), actual.size(), what + ": size");
        for (long i = 0; i < expected.size(); i++) {
            assertClose(expected.getFlat(i), actual.getFlat(i), abs, rel, what + ": element " + i + " of "
                    + expected.shapeString());
        }
    }

    static void assertClose(double e, double a, double abs, double rel, String what) {
        if (Double.isNaN(e) || Double.isNaN(a)) {
            if (!(Double.isNaN(e) && Double.isNaN(a))) {
                fail(what + ": got " + a + ", expected " + e);
            }
            return;
        }
        if (e == a) {
            return; // also equal infinities
        }
        if (!(Math.abs(a - e) <= abs + rel * Math.abs(e))) {
            fail(what + ": got " + a + ", expected " + e + " (|diff| " + Math.abs(a - e) + " > " + abs + " + " + rel
                    + " * |expected|)");
        }
    }

    /** sum_i a[i] * b[i] in double. */
    static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (long i = 0; i < a.size(); i++) {
            s += (double) a.getFlat(i) * b.getFlat(i);
        }
        return s;
    }

    /** Adds {@code delta} to the element at flat index {@code i}. */
    static void bump(Tensor t, long i, float delta) {
        t.setFlat(i, t.getFlat(i) + delta);
    }

    /** A shared arena for one test (kernels run on pool threads); close it with try-with-resources. */
    static Arena arena() {
        return Arena.ofShared();
    }
}
