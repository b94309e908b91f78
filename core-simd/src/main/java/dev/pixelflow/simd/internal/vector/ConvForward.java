package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.ConvGeometry;
import dev.pixelflow.simd.internal.Scratch;
import dev.pixelflow.simd.internal.scalar.ScalarConv;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Forward convolution as a direct (implicit-GEMM) kernel: each image is copied once into a padded,
 * phase-split heap layout ({@link ConvPack}), after which every tap {@code (ci, ky, kx)} of every output row
 * is a contiguous run of floats at a fixed offset; {@link ConvTile} then multiplies 4 output channels by 16
 * output pixels per step. No im2col matrix is built (it would be {@code kh*kw} times the input), and the same
 * code serves the first layer (3 channels) and deep layers.
 */
final class ConvForward {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int R = ConvTile.ROWS;
    /** Largest packed image a heap array can hold; larger images run the scalar kernel. */
    static final long MAX_PACKED = Integer.MAX_VALUE - 64;

    private ConvForward() {
    }

    /** Rows of one phase plane of the packed input. */
    static int packedHeight(ConvGeometry g) {
        return g.oh() + (g.kh() - 1) * g.dilH() / g.strideH();
    }

    /** Columns of one phase plane of the packed input. */
    static int packedWidth(ConvGeometry g) {
        return g.ow() + (g.kw() - 1) * g.dilW() / g.strideW();
    }

    /** Floats of one packed image (all channels and phases, plus slack), or -1 if too large for an array. */
    static long packedLength(ConvGeometry g) {
        long len = (long) g.cin() * g.strideH() * g.strideW() * packedHeight(g) * packedWidth(g) + slack(g);
        return len > MAX_PACKED ? -1 : len;
    }

    private static int slack(ConvGeometry g) {
        return ConvPack.slack(packedWidth(g) - g.ow());
    }

    /** Packs image {@code b} of x for the forward and backward-weight kernels. */
    static void packImage(ConvGeometry g, MemorySegment x, int b, float[] src) {
        ConvPack.planes(x, (long) b * g.cin() * g.h() * g.w(), g.cin(), g.h(), g.w(), g.strideH(), g.strideW(),
                g.padH(), g.padW(), packedHeight(g), packedWidth(g), src, 0, slack(g));
    }

    /** Offsets of the taps {@code (ci, ky, kx)} of one group, in weight order, relative to the output pixel. */
    static void taps(ConvGeometry g, int[] tab) {
        int sH = g.strideH();
        int sW = g.strideW();
        int hq = packedHeight(g);
        int wq = packedWidth(g);
        int plane = hq * wq;
        int i = 0;
        for (int ci = 0; ci < g.cinG(); ci++) {
            for (int ky = 0; ky < g.kh(); ky++) {
                int ry = ky * g.dilH();
                for (int kx = 0; kx < g.kw(); kx++) {
                    int rx = kx * g.dilW();
                    tab[i++] = ((ci * sH + ry % sH) * sW + rx % sW) * plane + (ry / sH) * wq + rx / sW;
                }
            }
        }
    }

    static void run(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment w, MemorySegment bias,
                    MemorySegment y) {
        long srcLen = packedLength(g);
        if (srcLen < 0) {
            ScalarConv.forward(pool, g, x, w, bias, y);
            return;
        }
        int k = g.patch();
        int groups = g.groups();
        int coutG = g.coutG();
        int blocks = Math.ceilDiv(coutG, R);
        int[] tab = Scratch.ints(k);
        taps(g, tab);
        int wLen = groups * blocks * R * k;
        float[] wp = Scratch.floats(Scratch.CONV_WEIGHTS, wLen + groups * blocks * R);
        packWeights(g, w, bias, wp, wLen);
        int pairs = ConvDirect.pairs(g.oh(), g.ow());
        if (ConvDirect.byImage(g.n(), pool.threads())) {
            pool.parallelFor(g.n(), (from, to) -> {
                float[] src = Scratch.floats(Scratch.CONV_COLUMNS, (int) srcLen);
                for (int b = from; b < to; b++) {
                    packImage(g, x, b, src);
                    image(g, src, tab, wp, wLen, y, b, 0, pairs);
                }
            });
        } else {
            float[] src = Scratch.floats(Scratch.CONV_COLUMNS, (int) srcLen);
            for (int b = 0; b < g.n(); b++) {
                int img = b;
                packImage(g, x, b, src);
                pool.parallelFor(pairs, (from, to) -> image(g, src, tab, wp, wLen, y, img, from, to));
            }
        }
    }

    /**
     * Weights as {@link ConvTile} reads them: per group and block of 4 output channels, {@code [tap][4]} (zero
     * rows past the group's channels); then the bias, 4 per block, at {@code wLen}.
     */
    private static void packWeights(ConvGeometry g, MemorySegment w, MemorySegment bias, float[] wp, int wLen) {
        int k = g.patch();
        int coutG = g.coutG();
        int blocks = Math.ceilDiv(coutG, R);
        for (int grp = 0; grp < g.groups(); grp++) {
            for (int blk = 0; blk < blocks; blk++) {
                int at = (grp * blocks + blk) * R * k;
                int bAt = wLen + (grp * blocks + blk) * R;
                for (int r = 0; r < R; r++) {
                    int co = blk * R + r;
                    boolean real = co < coutG;
                    long wRow = (long) (grp * coutG + co) * k;
                    for (int t = 0; t < k; t++) {
                        wp[at + R * t + r] = real ? w.getAtIndex(F, wRow + t) : 0f;
                    }
                    wp[bAt + r] = real && bias != null ? bias.getAtIndex(F, grp * coutG + co) : 0f;
                }
            }
        }
    }

    /** Tiles {@code [pFrom, pTo)} of every group of image {@code b}. */
    private static void image(ConvGeometry g, float[] src, int[] tab, float[] wp, int wLen, MemorySegment y, int b,
                              int pFrom, int pTo) {
        int k = g.patch();
        int coutG = g.coutG();
        int blocks = Math.ceilDiv(coutG, R);
        int groupSrc = g.cinG() * g.strideH() * g.strideW() * packedHeight(g) * packedWidth(g);
        long plane = (long) g.oh() * g.ow();
        for (int grp = 0; grp < g.groups(); grp++) {
            long yOff = ((long) b * g.cout() + (long) grp * coutG) * plane;
            ConvDirect.tiles(src, grp * groupSrc, packedWidth(g), g.oh(), g.ow(), tab, 0, k, wp,
                    grp * blocks * R * k, wLen + grp * blocks * R, coutG, y, yOff, g.ow(), plane, pFrom, pTo);
        }
    }
}
