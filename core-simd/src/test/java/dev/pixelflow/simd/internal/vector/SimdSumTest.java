package dev.pixelflow.simd.internal.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class SimdSumTest {
    /** The documented order of {@link Simd#sum}: halves added lane by lane, in float. */
    private static float treeSum(float[] lanes) {
        float[] s = lanes.clone();
        for (int width = s.length / 2; width > 0; width /= 2) {
            for (int i = 0; i < width; i++) {
                s[i] = s[i] + s[i + width];
            }
        }
        return s[0];
    }

    @Test
    void sumsInTheSameOrderBeforeAndAfterJitCompilation() {
        SplittableRandom r = new SplittableRandom(11);
        int cases = 512;
        float[][] lanes = new float[cases][Simd.LANES];
        for (float[] v : lanes) {
            for (int i = 0; i < v.length; i++) {
                // A wide dynamic range makes every change of association visible in the last bits.
                v[i] = (float) ((2 * r.nextDouble() - 1) * Math.exp(6 * r.nextDouble()));
            }
        }
        // Enough calls for C2 to compile the sum; the first ones run interpreted or in C1.
        for (int round = 0; round < 80; round++) {
            for (int c = 0; c < cases; c++) {
                float got = Simd.sum(FloatVector.fromArray(Simd.SPECIES, lanes[c], 0));
                float want = treeSum(lanes[c]);
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got),
                        "round " + round + ", case " + c + ": " + got + " vs " + want);
            }
        }
    }

    @Test
    void sumLanesOfAStoredVectorIsTheSameSum() {
        SplittableRandom r = new SplittableRandom(12);
        int off = 3;
        float[] a = new float[off + Simd.LANES + 2];
        for (int c = 0; c < 2000; c++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((2 * r.nextDouble() - 1) * Math.exp(6 * r.nextDouble()));
            }
            FloatVector v = FloatVector.fromArray(Simd.SPECIES, a, off);
            float want = Simd.sum(v);
            float before = a[off - 1];
            float after = a[off + Simd.LANES];
            float got = Simd.sumLanes(a, off);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), "case " + c);
            assertEquals(before, a[off - 1], "wrote before the vector");
            assertEquals(after, a[off + Simd.LANES], "wrote after the vector");
        }
    }

    @Test
    void sumsSpecialValues() {
        float[] v = new float[Simd.LANES];
        v[0] = Float.POSITIVE_INFINITY;
        assertEquals(Float.POSITIVE_INFINITY, Simd.sum(FloatVector.fromArray(Simd.SPECIES, v, 0)));
        v[Simd.LANES - 1] = Float.NEGATIVE_INFINITY;
        assertEquals(Float.NaN, Simd.sum(FloatVector.fromArray(Simd.SPECIES, v, 0)));
        java.util.Arrays.fill(v, -0f);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Simd.sum(FloatVector.fromArray(Simd.SPECIES, v, 0))));
    }
}
