package dev.pixelflow.simd.internal.vector;

import static dev.pixelflow.simd.internal.vector.GemmMicroKernel.MR;
import static dev.pixelflow.simd.internal.vector.GemmMicroKernel.NR;

import dev.pixelflow.simd.internal.Scratch;
import java.lang.foreign.MemorySegment;

/**
 * Goto/BLIS blocking of one GEMM on the calling thread: a B block of {@code kc x nc} is packed once and
 * stays in L2/L3, an A block of {@code mc x kc} is packed per row block and stays in L2, and the
 * micro-kernel streams A panels past a B panel ({@code kc x NR}, in L1). The blocks of each dimension are
 * made equal (not a full block plus a sliver) so that no pass is wasted on a thin remainder.
 */
final class GemmBlocked {
    /**
     * Depth of a block: a B panel of KC x NR floats (at most 20 KB) stays in the 32 KB L1 while A panels
     * stream past it. k = 512 splits into two blocks of 256, k = 576 into two of 288.
     */
    static final int KC = 320;
    /** Rows of an A block: MC x KC floats (~120 KB) stay in the 512 KB L2. */
    static final int MC = 96;
    /** Columns of a B block. */
    static final int NC = 2048;

    private GemmBlocked() {
    }

    static void run(boolean transA, boolean transB, int m, int n, int k, float alpha,
                    MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                    float beta, MemorySegment c, long cOff, int ldc) {
        // Whole vectors of k per block keep the transposing copies off their scalar tails.
        int kcStep = evenStep(k, KC, GemmMicroKernel.L);
        int mcStep = evenStep(m, MC, MR);
        int ncStep = evenStep(n, NC, NR);
        // The C tile and the transpose scratch of packB share one array.
        float[] tile = Scratch.floats(Scratch.GEMM_C, MR * NR + GemmPacking.TRANSPOSE_SCRATCH);
        float[] ap = Scratch.floats(Scratch.GEMM_A, mcStep * kcStep);
        float[] bp = Scratch.floats(Scratch.GEMM_B, ncStep * kcStep);
        for (int jc = 0; jc < n; jc += ncStep) {
            int nc = Math.min(ncStep, n - jc);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                // Later depth blocks add to what the first one wrote.
                float betaBlock = pc == 0 ? beta : 1f;
                GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp, tile, MR * NR);
                for (int ic = 0; ic < m; ic += mcStep) {
                    int mc = Math.min(mcStep, m - ic);
                    GemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, ap);
                    macroKernel(mc, nc, kc, alpha, betaBlock, ap, bp, tile, c, cOff + (long) ic * ldc + jc, ldc);
                }
            }
        }
    }

    /** All tiles of one packed A block times one packed B block. */
    private static void macroKernel(int mc, int nc, int kc, float alpha, float beta, float[] ap, float[] bp,
                                    float[] tile, MemorySegment c, long cIdx, int ldc) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bi = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                long at = cIdx + (long) ir * ldc + jr;
                GemmMicroKernel.multiply(kc, ap, ir * kc, bp, bi, tile);
                if (mr == MR && nr == NR) {
                    GemmMicroKernel.writeFull(tile, alpha, beta, c, at, ldc);
                } else {
                    GemmMicroKernel.writeEdge(tile, alpha, beta, c, at, ldc, mr, nr);
                }
            }
        }
    }

    /** The step that splits {@code size} into the fewest equal blocks of at most {@code max}, rounded up to {@code unit}. */
    static int evenStep(int size, int max, int unit) {
        int blocks = (size + max - 1) / max;
        int step = (size + blocks - 1) / blocks;
        return (step + unit - 1) / unit * unit;
    }
}
