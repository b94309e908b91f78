package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.Scratch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM without packing, for products too small to repay it and for one or two rows of C (matrix-vector
 * shapes, where a 4-row tile would be mostly padding). Each row of op(A) is copied once into scratch; a row
 * of C is then either a sum of rows of B ({@code !transB}, vectorized along the contiguous columns) or a
 * set of dot products with the stored rows of B ({@code transB}, vectorized along k).
 */
final class GemmDirect {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private GemmDirect() {
    }

    /** Computes columns {@code [j0, j1)} of C. */
    static void columns(boolean transA, boolean transB, int m, int j0, int j1, int k, float alpha,
                        MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                        float beta, MemorySegment c, long cOff, int ldc) {
        float[] arow = Scratch.floats(Scratch.GEMM_A, k);
        for (int i = 0; i < m; i++) {
            if (transA) {
                long src = aOff + i;
                for (int p = 0; p < k; p++, src += lda) {
                    arow[p] = a.getAtIndex(F, src);
                }
            } else {
                MemorySegment.copy(a, F, (aOff + (long) i * lda) * Float.BYTES, arow, 0, k);
            }
            long crow = cOff + (long) i * ldc;
            if (transB) {
                dots(arow, k, j0, j1, alpha, b, bOff, ldb, beta, c, crow);
            } else {
                rowTimesB(arow, k, j0, j1, alpha, b, bOff, ldb, beta, c, crow);
            }
        }
    }

    /** c[crow + j] for j in [j0, j1) = alpha * sum_p arow[p] * B[p][j] + beta * c. */
    private static void rowTimesB(float[] arow, int k, int j0, int j1, float alpha, MemorySegment b, long bOff,
                                  int ldb, float beta, MemorySegment c, long crow) {
        long rowStep = (long) ldb * Float.BYTES;
        long lb = (long) L * Float.BYTES;
        int j = j0;
        for (; j + 4 * L <= j1; j += 4 * L) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            FloatVector s2 = FloatVector.zero(S);
            FloatVector s3 = FloatVector.zero(S);
            long src = (bOff + j) * Float.BYTES;
            for (int p = 0; p < k; p++, src += rowStep) {
                FloatVector av = FloatVector.broadcast(S, arow[p]);
                s0 = av.fma(FloatVector.fromMemorySegment(S, b, src, Simd.ORDER), s0);
                s1 = av.fma(FloatVector.fromMemorySegment(S, b, src + lb, Simd.ORDER), s1);
                s2 = av.fma(FloatVector.fromMemorySegment(S, b, src + 2 * lb, Simd.ORDER), s2);
                s3 = av.fma(FloatVector.fromMemorySegment(S, b, src + 3 * lb, Simd.ORDER), s3);
            }
            long at = (crow + j) * Float.BYTES;
            write(s0, alpha, beta, c, at);
            write(s1, alpha, beta, c, at + lb);
            write(s2, alpha, beta, c, at + 2 * lb);
            write(s3, alpha, beta, c, at + 3 * lb);
        }
        for (; j + L <= j1; j += L) {
            FloatVector s0 = FloatVector.zero(S);
            long src = (bOff + j) * Float.BYTES;
            for (int p = 0; p < k; p++, src += rowStep) {
                s0 = FloatVector.broadcast(S, arow[p]).fma(FloatVector.fromMemorySegment(S, b, src, Simd.ORDER), s0);
            }
            write(s0, alpha, beta, c, (crow + j) * Float.BYTES);
        }
        for (; j < j1; j++) {
            float s = 0f;
            long src = bOff + j;
            for (int p = 0; p < k; p++, src += ldb) {
                s = Math.fma(arow[p], b.getAtIndex(F, src), s);
            }
            writeScalar(s, alpha, beta, c, crow + j);
        }
    }

    /** c[crow + j] for j in [j0, j1) = alpha * dot(arow, stored row j of B) + beta * c. */
    private static void dots(float[] arow, int k, int j0, int j1, float alpha, MemorySegment b, long bOff, int ldb,
                             float beta, MemorySegment c, long crow) {
        int kv = k - k % (2 * L);
        for (int j = j0; j < j1; j++) {
            long src = bOff + (long) j * ldb;
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            for (int p = 0; p < kv; p += 2 * L) {
                long at = (src + p) * Float.BYTES;
                s0 = FloatVector.fromArray(S, arow, p).fma(FloatVector.fromMemorySegment(S, b, at, Simd.ORDER), s0);
                s1 = FloatVector.fromArray(S, arow, p + L)
                        .fma(FloatVector.fromMemorySegment(S, b, at + (long) L * Float.BYTES, Simd.ORDER), s1);
            }
            float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
            for (int p = kv; p < k; p++) {
                s = Math.fma(arow[p], b.getAtIndex(F, src + p), s);
            }
            writeScalar(s, alpha, beta, c, crow + j);
        }
    }

    private static void write(FloatVector s, float alpha, float beta, MemorySegment c, long at) {
        FloatVector out = s.mul(alpha);
        if (beta != 0f) {
            out = FloatVector.fromMemorySegment(S, c, at, Simd.ORDER).fma(FloatVector.broadcast(S, beta), out);
        }
        out.intoMemorySegment(c, at, Simd.ORDER);
    }

    private static void writeScalar(float s, float alpha, float beta, MemorySegment c, long idx) {
        float v = alpha * s;
        if (beta != 0f) {
            v += beta * c.getAtIndex(F, idx);
        }
        c.setAtIndex(F, idx, v);
    }
}
