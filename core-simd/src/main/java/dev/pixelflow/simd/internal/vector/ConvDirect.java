package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.Scratch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Walks an output grid of {@code gridH x gridW} pixels in {@link ConvTile} tiles. The grid is cut into segments
 * of {@code LANES} pixels along each row (the last one of a row may be short) and consecutive segments are
 * paired, so a tile never wastes more than the short segment at a row end; 1 to 3 channels left over after
 * the blocks of 4 are computed by {@link ConvRowTile} over runs of a row when that wastes fewer lanes. Output
 * pixel {@code (i, j)} reads the packed input at {@code srcOff + i*srcRow + j + tab[..]}; channel {@code c} of it
 * is written to {@code yOff + c*plane + i*dstRow + j*dstPix}.
 */
final class ConvDirect {
    private static final int L = Simd.LANES;
    private static final int R = ConvTile.ROWS;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Input bytes a batch of tiles may touch (half of L1). */
    private static final int BATCH_BYTES = 16 * 1024;
    /** Floats of the per-thread spill tile of partial tiles. */
    private static final int TILE = 16 * L;

    private ConvDirect() {
    }

    /**
     * Whether to split a batch over the threads by whole images (each packs its own), rather than the tiles of
     * one image after another: when the images divide evenly, or are many enough that an uneven split matters
     * little.
     */
    static boolean byImage(int n, int threads) {
        return n >= threads && (n % threads == 0 || n >= 4 * threads);
    }

    /** Number of tiles (segment pairs) of a grid: the unit of work that callers split over threads. */
    static int pairs(int gridH, int gridW) {
        long segs = (long) gridH * Math.ceilDiv(gridW, L);
        return (int) ((segs + 1) / 2);
    }

    /**
     * Tiles {@code [pFrom, pTo)} of the grid for all {@code channels} output channels, stored straight into y
     * (contiguous output rows). Weights of channel block {@code blk} are at {@code wp[wOff + blk*4*k]}, its bias
     * at {@code wp[biasOff + 4*blk]}.
     */
    static void tiles(float[] src, int srcOff, int srcRow, int gridH, int gridW, int[] tab, int tOff, int k,
                      float[] wp, int wOff, int biasOff, int channels, MemorySegment y, long yOff, long dstRow,
                      long plane, int pFrom, int pTo) {
        float[] tile = Scratch.floats(Scratch.EXTRA, TILE);
        int spr = Math.ceilDiv(gridW, L);
        int segs = gridH * spr;
        int blocks = Math.ceilDiv(channels, R);
        int rest = channels % R;
        if (rest != 0 && rowTilesPay(rest, gridW)) {
            blocks--;
            int blk = blocks;
            rowRuns(src, srcOff, srcRow, gridW, spr, tab, tOff, k, wp, wOff + blk * R * k, biasOff + R * blk, rest,
                    y, yOff + (long) blk * R * plane, dstRow, plane, 2 * pFrom, Math.min(segs, 2 * pTo), tile);
        }
        // Tiles are taken in batches whose inputs (about 2*LANES*4 bytes per tap) fit in L1 and are reused by
        // every channel block; with few taps a batch is long and each block then writes long output rows.
        int batch = Math.max(1, BATCH_BYTES / (2 * L * Float.BYTES * Math.max(1, k)));
        for (int q = pFrom; q < pTo; q += batch) {
            int qEnd = Math.min(pTo, q + batch);
            for (int blk = 0; blk < blocks; blk++) {
                long ch = (long) blk * R * plane;
                int rows = Math.min(R, channels - R * blk);
                int wBlk = wOff + blk * R * k;
                for (int p = q; p < qEnd; p++) {
                    int s0 = 2 * p;
                    int i0 = s0 / spr;
                    int j0 = (s0 - i0 * spr) * L;
                    int n0 = Math.min(L, gridW - j0);
                    int i1 = i0;
                    int j1 = j0;
                    int n1 = 0;
                    if (s0 + 1 < segs) {
                        i1 = (s0 + 1) / spr;
                        j1 = (s0 + 1 - i1 * spr) * L;
                        n1 = Math.min(L, gridW - j1);
                    }
                    ConvTile.toSegment(src, srcOff + i0 * srcRow + j0, srcOff + i1 * srcRow + j1, tab, tOff, k, wp,
                            wBlk, wp, biasOff + R * blk, y, yOff + i0 * dstRow + j0 + ch,
                            yOff + i1 * dstRow + j1 + ch, plane, rows, n0, n1, tile);
                }
            }
        }
    }

    /**
     * Whether {@link ConvRowTile} computes the last {@code rest < 4} channels with fewer wasted lanes than a
     * {@link ConvTile} block of which {@code 4 - rest} rows would be empty.
     */
    private static boolean rowTilesPay(int rest, int gridW) {
        int width = (rest == 3 ? ConvRowTile.THREE_VECTORS : ConvRowTile.ONE_VECTORS) * L;
        double rowUse = (double) gridW / (Math.ceilDiv(gridW, width) * width);
        double tileUse = (double) rest / R * gridW / (Math.ceilDiv(gridW, L) * L);
        return rowUse > tileUse;
    }

    /**
     * The last {@code rest} channels over segments {@code [sFrom, sTo)}, in runs of consecutive segments of one
     * row.
     */
    private static void rowRuns(float[] src, int srcOff, int srcRow, int gridW, int spr, int[] tab, int tOff, int k,
                                float[] wp, int wBlk, int biasBlk, int rest, MemorySegment y, long yOff,
                                long dstRow, long plane, int sFrom, int sTo, float[] tile) {
        int vectors = rest == 3 ? ConvRowTile.THREE_VECTORS : ConvRowTile.ONE_VECTORS;
        for (int s = sFrom; s < sTo; ) {
            int i = s / spr;
            int first = s - i * spr;
            int end = Math.min(sTo, Math.min(s + vectors, (i + 1) * spr));
            int j = first * L;
            int n = Math.min((end - s) * L, gridW - j);
            int b = srcOff + i * srcRow + j;
            long y0 = yOff + i * dstRow + j;
            if (rest == 3) {
                ConvRowTile.three(src, b, tab, tOff, k, wp, wBlk, biasBlk, y, y0, plane, n, tile);
            } else {
                for (int r = 0; r < rest; r++) {
                    ConvRowTile.one(src, b, tab, tOff, k, wp, wBlk + r, wp[biasBlk + r], y, y0 + r * plane, n,
                            tile);
                }
            }
            s = end;
        }
    }

    /** As {@link #tiles} without bias, for outputs whose pixels are {@code dstPix > 1} floats apart. */
    static void scatterTiles(float[] src, int srcOff, int srcRow, int gridH, int gridW, int[] tab, int tOff, int k,
                             float[] wp, int wOff, int channels, MemorySegment y, long yOff, long dstRow,
                             int dstPix, long plane, int pFrom, int pTo) {
        float[] tile = Scratch.floats(Scratch.EXTRA, TILE);
        int spr = Math.ceilDiv(gridW, L);
        int segs = gridH * spr;
        int blocks = Math.ceilDiv(channels, R);
        for (int p = pFrom; p < pTo; p++) {
            int s0 = 2 * p;
            int i0 = s0 / spr;
            int j0 = (s0 - i0 * spr) * L;
            int n0 = Math.min(L, gridW - j0);
            int i1 = i0;
            int j1 = j0;
            int n1 = 0;
            if (s0 + 1 < segs) {
                i1 = (s0 + 1) / spr;
                j1 = (s0 + 1 - i1 * spr) * L;
                n1 = Math.min(L, gridW - j1);
            }
            int b0 = srcOff + i0 * srcRow + j0;
            int b1 = srcOff + i1 * srcRow + j1;
            long y0 = yOff + i0 * dstRow + (long) j0 * dstPix;
            long y1 = yOff + i1 * dstRow + (long) j1 * dstPix;
            for (int blk = 0; blk < blocks; blk++) {
                ConvTile.toArray(src, b0, b1, tab, tOff, k, wp, wOff + blk * R * k, tile);
                int rows = Math.min(R, channels - R * blk);
                for (int r = 0; r < rows; r++) {
                    long ch = (long) (blk * R + r) * plane;
                    int t = r * 2 * L;
                    for (int l = 0; l < n0; l++) {
                        y.setAtIndex(F, y0 + ch + (long) l * dstPix, tile[t + l]);
                    }
                    for (int l = 0; l < n1; l++) {
                        y.setAtIndex(F, y1 + ch + (long) l * dstPix, tile[t + L + l]);
                    }
                }
            }
        }
    }
}
