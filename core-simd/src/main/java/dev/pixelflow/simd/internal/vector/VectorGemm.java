package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.ComputePool;
import java.lang.foreign.MemorySegment;
import dev.pixelflow.simd.internal.scalar.ScalarGemm;

/** Vector API gemm kernels (until a vector version exists, an op runs its scalar twin). */
final class VectorGemm {
    private VectorGemm() {
    }

    static void sgemm(ComputePool pool, boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        ScalarGemm.sgemm(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
