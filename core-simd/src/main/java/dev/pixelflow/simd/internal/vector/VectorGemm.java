package dev.pixelflow.simd.internal.vector;

import static dev.pixelflow.simd.internal.vector.GemmMicroKernel.MR;
import static dev.pixelflow.simd.internal.vector.GemmMicroKernel.NR;

import dev.pixelflow.simd.internal.ComputePool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Vector API single-precision GEMM (semantics in {@link dev.pixelflow.simd.internal.Kernels#sgemm}).
 *
 * <p>Large products run the packed Goto/BLIS path ({@link GemmBlocked}); the pool's threads each take an
 * equal share of the columns of C (or of its rows, when C is taller than wide) and pack their own panels,
 * so the threads never wait for each other. Tiny products and one- or two-row products skip packing
 * ({@link GemmDirect}). Called from inside a pool body, the nested {@code parallelFor} runs inline.
 */
final class VectorGemm {
    /** Below this many multiply-adds packing costs more than it saves. */
    static final long DIRECT_MAX_WORK = 1L << 13;
    /** Products with at most this many rows are matrix-vector shaped: a 4-row tile would be mostly padding. */
    static final int DIRECT_MAX_ROWS = 2;
    /** Below this many multiply-adds one thread finishes before a second one is woken up. */
    static final long PARALLEL_MIN_WORK = 1L << 19;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private VectorGemm() {
    }

    static void sgemm(ComputePool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb, float beta,
                      MemorySegment c, long cOff, int ldc) {
        assert m >= 0 && n >= 0 && k >= 0 : m + "x" + n + "x" + k;
        assert ldc >= n && lda >= (transA ? m : k) && ldb >= (transB ? k : n) : lda + " " + ldb + " " + ldc;
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        long work = (long) m * n * k;
        int threads = work >= PARALLEL_MIN_WORK ? pool.threads() : 1;
        if (work <= DIRECT_MAX_WORK || m <= DIRECT_MAX_ROWS) {
            // Columns of C are independent; split them in whole vectors.
            int lanes = Simd.LANES;
            int units = (n + lanes - 1) / lanes;
            if (threads == 1 || units < 2) {
                GemmDirect.columns(transA, transB, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                pool.parallelFor(units, threads, (from, to) -> GemmDirect.columns(transA, transB, m, from * lanes,
                        Math.min(n, to * lanes), k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
            }
            return;
        }
        int colUnits = (n + NR - 1) / NR;
        int rowUnits = (m + MR - 1) / MR;
        if (threads == 1) {
            GemmBlocked.run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (splitColumns(m, n, threads)) {
            // Each thread packs all of A (small relative to its share of B) and only its own B panels.
            pool.parallelFor(colUnits, threads, (from, to) -> {
                int j0 = from * NR;
                int j1 = Math.min(n, to * NR);
                GemmBlocked.run(transA, transB, m, j1 - j0, k, alpha, a, aOff, lda,
                        b, bOff + (transB ? (long) j0 * ldb : j0), ldb, beta, c, cOff + j0, ldc);
            });
        } else {
            pool.parallelFor(rowUnits, threads, (from, to) -> {
                int i0 = from * MR;
                int i1 = Math.min(m, to * MR);
                GemmBlocked.run(transA, transB, i1 - i0, n, k, alpha, a, aOff + (transA ? i0 : (long) i0 * lda), lda,
                        b, bOff, ldb, beta, c, cOff + (long) i0 * ldc, ldc);
            });
        }
    }

    /**
     * Whether to give each thread a share of the columns of C (every thread packs all of A) rather than of
     * its rows (every thread packs all of B): the cheaper duplicate wins, as long as the columns still make
     * enough panels to keep every thread busy.
     */
    static boolean splitColumns(int m, int n, int threads) {
        int colUnits = (n + NR - 1) / NR;
        int rowUnits = (m + MR - 1) / MR;
        if (colUnits < threads) {
            return false;
        }
        if (rowUnits < threads) {
            return true;
        }
        return m <= n;
    }

    /** C = beta * C when k == 0 (op(A) * op(B) is the zero matrix); beta == 0 does not read C. */
    private static void scaleC(int m, int n, float beta, MemorySegment c, long cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            long row = cOff + (long) i * ldc;
            for (int j = 0; j < n; j++) {
                c.setAtIndex(F, row + j, beta == 0f ? 0f : beta * c.getAtIndex(F, row + j));
            }
        }
    }
}
