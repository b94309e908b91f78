package dev.pixelflow.simd.internal.scalar;

import dev.pixelflow.simd.internal.ComputePool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Reference GEMM: the textbook triple loop, one float accumulator per output, rows split over the pool. */
public final class ScalarGemm {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ScalarGemm() {
    }

    public static void sgemm(ComputePool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                             float beta, MemorySegment c, long cOff, int ldc) {
        pool.parallelFor(m, (from, to) -> {
            for (int i = from; i < to; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    for (int p = 0; p < k; p++) {
                        float av = a.getAtIndex(F, aOff + (transA ? (long) p * lda + i : (long) i * lda + p));
                        float bv = b.getAtIndex(F, bOff + (transB ? (long) j * ldb + p : (long) p * ldb + j));
                        acc += av * bv;
                    }
                    long ci = cOff + (long) i * ldc + j;
                    float old = beta == 0f ? 0f : beta * c.getAtIndex(F, ci);
                    c.setAtIndex(F, ci, alpha * acc + old);
                }
            }
        });
    }
}
