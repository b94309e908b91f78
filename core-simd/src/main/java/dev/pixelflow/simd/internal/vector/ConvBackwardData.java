package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.ConvGeometry;
import dev.pixelflow.simd.internal.Scratch;
import dev.pixelflow.simd.internal.scalar.ScalarConv;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Input gradient as a direct convolution of dy, without a col2im scatter: input pixel {@code iy} receives
 * {@code dy[oy]} through tap {@code ky} when {@code iy + pad = oy*stride + ky*dil}. Splitting the input pixels
 * by phase {@code (iy mod strideH, ix mod strideW)} makes each phase a stride-1 correlation of the padded dy
 * with the taps of that phase ({@code oy = qy - e(ky)}), computed by the same {@link ConvTile} as the forward
 * pass with transposed weights. For stride 1 there is one phase and the tiles are stored directly; otherwise a
 * phase's pixels are {@code strideW} apart and each tile is scattered.
 */
final class ConvBackwardData {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int R = ConvTile.ROWS;

    private ConvBackwardData() {
    }

    /** Input pixels along one axis in phase {@code r}: those {@code i < size} with {@code i mod s == r}. */
    private static int phaseSize(int size, int r, int s) {
        return r < size ? Math.ceilDiv(size - r, s) : 0;
    }

    /** Padding after the dy rows (or columns) so that every phase reads inside the packed plane. */
    private static int padAfter(int size, int outSize, int k, int s, int d, int p) {
        int pad = 0;
        for (int ky = 0; ky < k; ky++) {
            int r = phaseOf(ky, d, p, s);
            int e = Math.floorDiv(ky * d - p, s);
            int n = phaseSize(size, r, s);
            if (n > 0) {
                pad = Math.max(pad, n - 1 - e - (outSize - 1));
            }
        }
        return pad;
    }

    static void run(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment w, MemorySegment dx) {
        int sH = g.strideH();
        int sW = g.strideW();
        int dH = g.dilH();
        int dW = g.dilW();
        int pH = g.padH();
        int pW = g.padW();
        int kh = g.kh();
        int kw = g.kw();
        int padTop = Math.max(0, Math.floorDiv((kh - 1) * dH - pH, sH));
        int padLeft = Math.max(0, Math.floorDiv((kw - 1) * dW - pW, sW));
        int hd = padTop + g.oh() + padAfter(g.h(), g.oh(), kh, sH, dH, pH);
        int wd = padLeft + g.ow() + padAfter(g.w(), g.ow(), kw, sW, dW, pW);
        long srcLen = (long) g.cout() * hd * wd + ConvPack.slack(wd);
        if (srcLen > ConvForward.MAX_PACKED) {
            ScalarConv.backwardData(pool, g, dy, w, dx);
            return;
        }
        int coutG = g.coutG();
        int cinG = g.cinG();
        int groups = g.groups();
        int blocks = Math.ceilDiv(cinG, R);
        int phases = sH * sW;
        int kk = kh * kw;

        // Per phase: [tab offset, tap count, weight offset], then the taps of all phases; a zero bias after the
        // weights.
        int[] tab = Scratch.ints(3 * phases + coutG * kk);
        int wLen = groups * blocks * R * coutG * kk;
        float[] wp = Scratch.floats(Scratch.CONV_WEIGHTS, wLen + blocks * R);
        Arrays.fill(wp, wLen, wLen + blocks * R, 0f);
        packPhases(g, w, padTop, padLeft, hd * wd, wd, tab, wp);

        if (ConvDirect.byImage(g.n(), pool.threads())) {
            pool.parallelFor(g.n(), (from, to) -> {
                float[] src = Scratch.floats(Scratch.CONV_COLUMNS, (int) srcLen);
                for (int b = from; b < to; b++) {
                    packImage(g, dy, b, padTop, padLeft, hd, wd, src);
                    for (int ph = 0; ph < phases; ph++) {
                        phase(g, src, hd, wd, tab, wp, wLen, dx, b, ph, 0, Integer.MAX_VALUE);
                    }
                }
            });
        } else {
            float[] src = Scratch.floats(Scratch.CONV_COLUMNS, (int) srcLen);
            for (int b = 0; b < g.n(); b++) {
                packImage(g, dy, b, padTop, padLeft, hd, wd, src);
                for (int ph = 0; ph < phases; ph++) {
                    int img = b;
                    int phase = ph;
                    int pairs = ConvDirect.pairs(phaseSize(g.h(), ph / sW, sH), phaseSize(g.w(), ph % sW, sW));
                    pool.parallelFor(pairs, (from, to) -> phase(g, src, hd, wd, tab, wp, wLen, dx, img, phase, from,
                            to));
                }
            }
        }
    }

    /**
     * For every phase {@code (ry, rx)}: the offsets of its taps {@code (co, ky, kx)} in the packed dy (relative to
     * the phase pixel) and the weights {@code w[co][ci][ky][kx]} of those taps, 4 input channels interleaved per
     * block as {@link ConvTile} reads them.
     */
    private static void packPhases(ConvGeometry g, MemorySegment w, int padTop, int padLeft, int planeD, int wd,
                                   int[] tab, float[] wp) {
        int sH = g.strideH();
        int sW = g.strideW();
        int kh = g.kh();
        int kw = g.kw();
        int coutG = g.coutG();
        int cinG = g.cinG();
        int blocks = Math.ceilDiv(cinG, R);
        int at = 3 * sH * sW;
        int wAt = 0;
        for (int ry = 0; ry < sH; ry++) {
            for (int rx = 0; rx < sW; rx++) {
                int ph = ry * sW + rx;
                int first = at;
                for (int co = 0; co < coutG; co++) {
                    for (int ky = 0; ky < kh; ky++) {
                        if (phaseOf(ky, g.dilH(), g.padH(), sH) != ry) {
                            continue;
                        }
                        int ey = Math.floorDiv(ky * g.dilH() - g.padH(), sH);
                        for (int kx = 0; kx < kw; kx++) {
                            if (phaseOf(kx, g.dilW(), g.padW(), sW) != rx) {
                                continue;
                            }
                            int ex = Math.floorDiv(kx * g.dilW() - g.padW(), sW);
                            tab[at++] = co * planeD + (padTop - ey) * wd + (padLeft - ex);
                        }
                    }
                }
                int kp = at - first;
                tab[3 * ph] = first;
                tab[3 * ph + 1] = kp;
                tab[3 * ph + 2] = wAt;
                for (int grp = 0; grp < g.groups(); grp++) {
                    for (int blk = 0; blk < blocks; blk++) {
                        int t = wAt + (grp * blocks + blk) * R * kp;
                        for (int co = 0; co < coutG; co++) {
                            for (int ky = 0; ky < kh; ky++) {
                                if (phaseOf(ky, g.dilH(), g.padH(), sH) != ry) {
                                    continue;
                                }
                                for (int kx = 0; kx < kw; kx++) {
                                    if (phaseOf(kx, g.dilW(), g.padW(), sW) != rx) {
                                        continue;
                                    }
                                    long w0 = (((long) (grp * coutG + co) * cinG) * kh + ky) * kw + kx;
                                    for (int r = 0; r < R; r++) {
                                        int ci = blk * R + r;
                                        wp[t++] = ci < cinG ? w.getAtIndex(F, w0 + (long) ci * kh * kw) : 0f;
                                    }
                                }
                            }
                        }
                    }
                }
                wAt += g.groups() * blocks * R * kp;
            }
        }
    }

    /** The input phase that kernel tap {@code k} writes to: {@code (k*dil - pad) mod stride}. */
    private static int phaseOf(int k, int dil, int pad, int stride) {
        return Math.floorMod(k * dil - pad, stride);
    }

    private static void packImage(ConvGeometry g, MemorySegment dy, int b, int padTop, int padLeft, int hd, int wd,
                                  float[] src) {
        ConvPack.planes(dy, (long) b * g.cout() * g.oh() * g.ow(), g.cout(), g.oh(), g.ow(), 1, 1, padTop, padLeft,
                hd, wd, src, 0, ConvPack.slack(wd));
    }

    /** Tiles {@code [pFrom, min(pTo, pairs))} of phase {@code ph} of image {@code b}, all groups. */
    private static void phase(ConvGeometry g, float[] src, int hd, int wd, int[] tab, float[] wp, int zeroBias,
                              MemorySegment dx, int b, int ph, int pFrom, int pTo) {
        int sH = g.strideH();
        int sW = g.strideW();
        int ry = ph / sW;
        int rx = ph % sW;
        int nqy = phaseSize(g.h(), ry, sH);
        int nqx = phaseSize(g.w(), rx, sW);
        int to = Math.min(pTo, ConvDirect.pairs(nqy, nqx));
        if (pFrom >= to) {
            return;
        }
        int tOff = tab[3 * ph];
        int kp = tab[3 * ph + 1];
        int wOff = tab[3 * ph + 2];
        int cinG = g.cinG();
        int blocks = Math.ceilDiv(cinG, R);
        long plane = (long) g.h() * g.w();
        long dstRow = (long) sH * g.w();
        for (int grp = 0; grp < g.groups(); grp++) {
            int srcOff = grp * g.coutG() * hd * wd;
            int wg = wOff + grp * blocks * R * kp;
            long yOff = ((long) b * g.cin() + (long) grp * cinG) * plane + (long) ry * g.w() + rx;
            if (sW == 1) {
                ConvDirect.tiles(src, srcOff, wd, nqy, nqx, tab, tOff, kp, wp, wg, zeroBias, cinG, dx, yOff, dstRow,
                        plane, pFrom, to);
            } else {
                ConvDirect.scatterTiles(src, srcOff, wd, nqy, nqx, tab, tOff, kp, wp, wg, cinG, dx, yOff, dstRow,
                        sW, plane, pFrom, to);
            }
        }
    }
}
