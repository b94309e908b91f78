package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.ConvGeometry;
import dev.pixelflow.simd.internal.Scratch;
import dev.pixelflow.simd.internal.scalar.ScalarConv;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Weight gradient {@code dw[co][tap] = sum over images and output pixels of dy[co][pixel] * x[tap of pixel]},
 * read from the same packed input as the forward pass, with the pixels in the vector lanes
 * ({@link ConvWeightTile}). dy is copied onto the packed input's flat pixel grid ({@code oy * wq + ox}, zero in
 * the padding columns), so every tap is one linear run; the grid is processed in blocks of
 * {@link #BLOCK_PIXELS} positions so that the dy of a channel block and the input it meets stay in L1/L2 while
 * all taps sweep over them.
 *
 * <p>Layers with whole blocks of 16 output channels and enough taps take {@link ConvWeightByChannel} instead (output
 * channels in the lanes, no horizontal sums), with the same chunks.
 *
 * <p>The batch is cut into at most {@link #CHUNKS} contiguous chunks; the work units (chunk, group, channel
 * block) are split over the pool, and the chunks' partial sums are added in order, so the result depends
 * neither on thread timing nor on the number of threads.
 */
final class ConvBackwardWeight {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int R = ConvTile.ROWS;
    /** Grid positions per block (a multiple of LANES). */
    static final int BLOCK_PIXELS = 1024;
    /** Images are summed in at most this many chunks, whose partial gradients are then added in order. */
    static final int CHUNKS = 8;

    private ConvBackwardWeight() {
    }

    /** Sums images {@code [b0, b1)} for work items {@code [i0, i1)} into {@code part[off ..]}, item after item. */
    @FunctionalInterface
    interface ChunkSum {
        void accumulate(int b0, int b1, int i0, int i1, float[] part, int off);
    }

    /**
     * The batch of {@code n} images cut into at most {@link #CHUNKS} fixed contiguous chunks (not one per thread),
     * {@code sum} run for every (chunk, item) pair over the pool, and the chunks' partial sums added in chunk
     * order: the summation order, hence every bit of the result, is the same for any number of threads. Returns
     * the scratch array whose first {@code items * itemLen} floats hold the total, item after item.
     */
    static float[] chunkedSum(ComputePool pool, int n, int items, int itemLen, ChunkSum sum) {
        int chunks = Math.min(n, CHUNKS);
        int region = items * itemLen;
        float[] part = Scratch.floats(Scratch.CONV_PARTIAL, chunks * region);
        pool.parallelFor(chunks * items, (from, to) -> {
            for (int c = from / items; c * items < to; c++) {
                int i0 = Math.max(from, c * items) - c * items;
                int i1 = Math.min(to, (c + 1) * items) - c * items;
                sum.accumulate((int) ((long) c * n / chunks), (int) ((long) (c + 1) * n / chunks), i0, i1, part,
                        c * region + i0 * itemLen);
            }
        });
        for (int c = 1; c < chunks; c++) {
            int off = c * region;
            for (int i = 0; i < region; i++) {
                part[i] += part[off + i];
            }
        }
        return part;
    }

    static void run(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dw) {
        long srcLen = ConvForward.packedLength(g);
        if (srcLen >= 0 && ConvWeightByChannel.applies(g)) {
            ConvWeightByChannel.run(pool, g, x, dy, dw, (int) srcLen);
            return;
        }
        if (srcLen < 0 || srcLen + (long) g.cout() * dyPlane(g) + Simd.LANES > ConvForward.MAX_PACKED) {
            ScalarConv.backwardWeight(pool, g, x, dy, dw);
            return;
        }
        int k = g.patch();
        int blocks = Math.ceilDiv(g.coutG(), R);
        int items = g.groups() * blocks;
        int itemLen = R * k;
        int[] tab = Scratch.ints(k);
        ConvForward.taps(g, tab);
        int srcInts = (int) srcLen;
        float[] part = chunkedSum(pool, g.n(), items, itemLen,
                (b0, b1, i0, i1, out, off) -> accumulate(g, x, dy, tab, srcInts, b0, b1, i0, i1, out, off));
        int coutG = g.coutG();
        for (int item = 0; item < items; item++) {
            int grp = item / blocks;
            int blk = item % blocks;
            int rows = Math.min(R, coutG - blk * R);
            for (int r = 0; r < rows; r++) {
                long co = (long) grp * coutG + blk * R + r;
                MemorySegment.copy(part, item * itemLen + r * k, dw, F, co * k * Float.BYTES, k);
            }
        }
    }

    /**
     * Floats of one channel of the dy copy: {@code oh} rows of {@code wq} (zero past {@code ow}) and zero rows
     * after them, at least LANES floats, so that whole vectors cover the grid.
     */
    private static int dyPlane(ConvGeometry g) {
        int wq = ConvForward.packedWidth(g);
        return (g.oh() + Math.ceilDiv(Simd.LANES, wq)) * wq;
    }

    /** Sums images {@code [b0, b1)} for items {@code [i0, i1)} into {@code part[off + (item - i0)*4*k ..]}. */
    private static void accumulate(ConvGeometry g, MemorySegment x, MemorySegment dy, int[] tab, int srcLen, int b0,
                                   int b1, int i0, int i1, float[] part, int off) {
        int k = g.patch();
        int coutG = g.coutG();
        int blocks = Math.ceilDiv(coutG, R);
        int oh = g.oh();
        int ow = g.ow();
        int wq = ConvForward.packedWidth(g);
        int groupSrc = g.cinG() * g.strideH() * g.strideW() * ConvForward.packedHeight(g) * wq;
        int dyPlane = dyPlane(g);
        int grid = Math.ceilDiv(oh * wq, Simd.LANES) * Simd.LANES;
        int dyOff = Math.ceilDiv(srcLen, Simd.LANES) * Simd.LANES;
        Arrays.fill(part, off, off + (i1 - i0) * R * k, 0f);
        // The packed image, then the dy copy on the same flat grid.
        float[] src = Scratch.floats(Scratch.CONV_COLUMNS, dyOff + g.cout() * dyPlane);
        float[] tile = Scratch.floats(Scratch.EXTRA, ConvWeightTile.TILE);
        for (int b = b0; b < b1; b++) {
            ConvForward.packImage(g, x, b, src);
            if (!ConvPack.allFinite(src, 0, srcLen)) {
                // Lanes in the grid's padding columns multiply a zero dy by input values; 0 * Inf would turn
                // into NaN where the reference stays infinite, so such images take the exact path.
                exactImage(g, dy, b, tab, src, i0, i1, part, off);
                continue;
            }
            ConvPack.planes(dy, (long) b * g.cout() * oh * ow, g.cout(), oh, ow, 1, 1, 0, 0, dyPlane / wq, wq, src,
                    dyOff, 0);
            for (int p0 = 0; p0 < grid; p0 += BLOCK_PIXELS) {
                int p1 = Math.min(grid, p0 + BLOCK_PIXELS);
                for (int item = i0; item < i1; item++) {
                    int grp = item / blocks;
                    int blk = item % blocks;
                    int rows = Math.min(R, coutG - blk * R);
                    int d0 = dyOff + (grp * coutG + blk * R) * dyPlane;
                    int d1 = d0 + Math.min(1, rows - 1) * dyPlane;
                    int d2 = d0 + Math.min(2, rows - 1) * dyPlane;
                    int d3 = d0 + Math.min(3, rows - 1) * dyPlane;
                    int sOff = grp * groupSrc;
                    int o = off + (item - i0) * R * k;
                    for (int t = 0; t < k; t += 2) {
                        int ta = tab[t];
                        int tb = t + 1 < k ? tab[t + 1] : ta;
                        ConvWeightTile.dot(src, sOff + ta, sOff + tb, src, d0, d1, d2, d3, p0, p1, tile);
                        ConvWeightTile.flush(tile, part, o + t, k, rows, Math.min(2, k - t));
                    }
                }
            }
        }
    }

    /** The definition, for an image whose input holds Inf or NaN (reads the packed image, valid pixels only). */
    private static void exactImage(ConvGeometry g, MemorySegment dy, int b, int[] tab, float[] src, int i0, int i1,
                                   float[] part, int off) {
        int k = g.patch();
        int coutG = g.coutG();
        int blocks = Math.ceilDiv(coutG, R);
        int wq = ConvForward.packedWidth(g);
        int groupSrc = g.cinG() * g.strideH() * g.strideW() * ConvForward.packedHeight(g) * wq;
        long plane = (long) g.oh() * g.ow();
        for (int item = i0; item < i1; item++) {
            int grp = item / blocks;
            int blk = item % blocks;
            int rows = Math.min(R, coutG - blk * R);
            for (int r = 0; r < rows; r++) {
                long dyBase = ((long) b * g.cout() + (long) grp * coutG + blk * R + r) * plane;
                int o = off + (item - i0) * R * k + r * k;
                for (int t = 0; t < k; t++) {
                    int s = grp * groupSrc + tab[t];
                    float acc = 0f;
                    for (int oy = 0; oy < g.oh(); oy++) {
                        for (int ox = 0; ox < g.ow(); ox++) {
                            acc += dy.getAtIndex(F, dyBase + (long) oy * g.ow() + ox) * src[s + oy * wq + ox];
                        }
                    }
                    part[o + t] += acc;
                }
            }
        }
    }
}
