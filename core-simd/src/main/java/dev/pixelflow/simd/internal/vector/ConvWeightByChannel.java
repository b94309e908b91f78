package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.ConvGeometry;
import dev.pixelflow.simd.internal.Scratch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Weight gradient {@code dw[co][tap] = sum over images and output pixels of dy[co][pixel] * x[tap of pixel]} with
 * the output channels in the vector lanes, for groups of {@link #WIDTH} (two vectors) output channels. It is a
 * GEMM with a very long reduction (the pixels): the tile holds 4 taps x {@code WIDTH} channels (8 accumulators),
 * and each pixel costs two dy vectors and four broadcast input values for 8 FMAs. The accumulators cover a whole
 * block of pixels and are added to the partial sums as vectors, so there are no horizontal sums (the pixels-in-
 * lanes tile of {@link ConvBackwardWeight} needs one per tap and block, and costs two rows of dy per tap pair).
 *
 * <p>The input is the packed image of the forward pass; dy is transposed block by block onto the packed input's
 * flat pixel grid ({@code oy * wq + ox}, zero in the padding columns), pixel-major within each block of
 * {@code WIDTH} channels: {@code buf[(co / WIDTH) * BLOCK_PIXELS * WIDTH + q * WIDTH + co % WIDTH]}. The tile then
 * reads dy at a constant stride ({@code WIDTH}), which lets C2 drop the bounds checks from its loop (with the
 * channel count as the stride it kept them, and the layer ran about a third slower).
 * Batch chunks and their in-order reduction are those of {@link ConvBackwardWeight}, so the result is the same
 * for any number of threads.
 */
final class ConvWeightByChannel {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder O = Simd.ORDER;
    /** Output channels per tile (two vectors). */
    static final int WIDTH = 2 * L;
    /** Taps per tile. */
    private static final int TAPS = 4;
    /** Grid positions per block: the dy of one tile's channels ({@code 64 * BLOCK_PIXELS} bytes) stays in L1. */
    static final int BLOCK_PIXELS = 256;

    /**
     * Fewer taps than this leave too little work per transposed dy value: the first layer of an RGB network (27
     * taps) ran about 15% slower than with the pixels-in-lanes tile, whose dy copy is a plain row copy.
     */
    static final int MIN_TAPS = 64;

    private ConvWeightByChannel() {
    }

    /** Whether this kernel handles the geometry: whole tiles of output channels in every group, enough taps. */
    static boolean applies(ConvGeometry g) {
        return g.coutG() % WIDTH == 0 && g.patch() >= MIN_TAPS;
    }

    /** Taps rounded up to whole tiles: the partial sums of one channel block are {@code [paddedTaps][WIDTH]}. */
    private static int paddedTaps(int k) {
        return Math.ceilDiv(k, TAPS) * TAPS;
    }

    static void run(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dw,
                    int srcLen) {
        int k = g.patch();
        int blocks = g.coutG() / WIDTH;
        int items = g.groups() * blocks;
        int itemLen = WIDTH * paddedTaps(k);
        int[] tab = Scratch.ints(k);
        ConvForward.taps(g, tab);
        float[] part = ConvBackwardWeight.chunkedSum(pool, g.n(), items, itemLen,
                (b0, b1, i0, i1, out, off) -> accumulate(g, x, dy, tab, srcLen, b0, b1, i0, i1, out, off));
        int coutG = g.coutG();
        for (int item = 0; item < items; item++) {
            int grp = item / blocks;
            int blk = item % blocks;
            for (int r = 0; r < WIDTH; r++) {
                long co = (long) grp * coutG + blk * WIDTH + r;
                int at = item * itemLen + r;
                for (int t = 0; t < k; t++) {
                    dw.setAtIndex(F, co * k + t, part[at + t * WIDTH]);
                }
            }
        }
    }

    /** Sums images {@code [b0, b1)} for items {@code [i0, i1)} into {@code part[off + (item - i0)*itemLen ..]}. */
    private static void accumulate(ConvGeometry g, MemorySegment x, MemorySegment dy, int[] tab, int srcLen, int b0,
                                   int b1, int i0, int i1, float[] part, int off) {
        int k = g.patch();
        int itemLen = WIDTH * paddedTaps(k);
        int cout = g.cout();
        int coutG = g.coutG();
        int blocks = coutG / WIDTH;
        int oh = g.oh();
        int ow = g.ow();
        int wq = ConvForward.packedWidth(g);
        int groupSrc = g.cinG() * g.strideH() * g.strideW() * ConvForward.packedHeight(g) * wq;
        int grid = oh * wq;
        Arrays.fill(part, off, off + (i1 - i0) * itemLen, 0f);
        float[] src = Scratch.floats(Scratch.CONV_COLUMNS, srcLen);
        float[] buf = Scratch.floats(Scratch.EXTRA, BLOCK_PIXELS * cout);
        for (int b = b0; b < b1; b++) {
            ConvForward.packImage(g, x, b, src);
            if (!ConvPack.allFinite(src, 0, srcLen)) {
                // Padding columns multiply a zero dy by input values; 0 * Inf would turn into NaN where the
                // reference stays infinite, so such images take the exact path.
                exactImage(g, dy, b, tab, src, i0, i1, part, off);
                continue;
            }
            long dyImage = (long) b * cout * oh * ow;
            for (int p0 = 0; p0 < grid; p0 += BLOCK_PIXELS) {
                int n = Math.min(BLOCK_PIXELS, grid - p0);
                transpose(dy, dyImage, cout, ow, wq, (long) oh * ow, p0, n, buf);
                for (int item = i0; item < i1; item++) {
                    int grp = item / blocks;
                    int blk = item % blocks;
                    int sOff = grp * groupSrc + p0;
                    int cOff = grp * coutG + blk * WIDTH;
                    int o = off + (item - i0) * itemLen;
                    for (int t = 0; t < k; t += TAPS) {
                        int ta = sOff + tab[t];
                        int tb = t + 1 < k ? sOff + tab[t + 1] : ta;
                        int tc = t + 2 < k ? sOff + tab[t + 2] : ta;
                        int td = t + 3 < k ? sOff + tab[t + 3] : ta;
                        tile(src, ta, tb, tc, td, buf, (cOff / WIDTH) * BLOCK_PIXELS * WIDTH, n, part, o + t * WIDTH);
                    }
                }
            }
        }
    }

    /**
     * {@code buf[(co / WIDTH)*BLOCK_PIXELS*WIDTH + q*WIDTH + co % WIDTH] = dy[co][oy][ox]} for grid positions
     * {@code p0 + q = oy*wq + ox}, {@code q < n}; zero where {@code ox >= ow} (the packed input's padding columns).
     * With 8 lanes, runs of 8 pixels of 8 channels are transposed in registers; {@code cout} is a multiple of
     * LANES.
     */
    private static void transpose(MemorySegment dy, long dyImage, int cout, int ow, int wq, long plane, int p0, int n,
                                  float[] buf) {
        int p = p0;
        int end = p0 + n;
        while (p < end) {
            int oy = p / wq;
            int rowEnd = Math.min(end, (oy + 1) * wq);
            int valid = Math.max(p, Math.min(rowEnd, oy * wq + ow));
            // dy index of grid position i in channel co: rowBase + co*plane + i.
            long rowBase = dyImage + (long) oy * ow - (long) oy * wq;
            for (int c0 = 0; c0 < cout; c0 += L) {
                int at = (c0 / WIDTH) * BLOCK_PIXELS * WIDTH + c0 % WIDTH - p0 * WIDTH;
                long base = rowBase + c0 * plane;
                int i = p;
                // The register transpose below is written for 8 lanes.
                for (; L == 8 && i <= valid - L; i += L) {
                    long b = (base + i) * Float.BYTES;
                    long pl = plane * Float.BYTES;
                    FloatVector r0 = FloatVector.fromMemorySegment(S, dy, b, O);
                    FloatVector r1 = FloatVector.fromMemorySegment(S, dy, b + pl, O);
                    FloatVector r2 = FloatVector.fromMemorySegment(S, dy, b + 2 * pl, O);
                    FloatVector r3 = FloatVector.fromMemorySegment(S, dy, b + 3 * pl, O);
                    FloatVector r4 = FloatVector.fromMemorySegment(S, dy, b + 4 * pl, O);
                    FloatVector r5 = FloatVector.fromMemorySegment(S, dy, b + 5 * pl, O);
                    FloatVector r6 = FloatVector.fromMemorySegment(S, dy, b + 6 * pl, O);
                    FloatVector r7 = FloatVector.fromMemorySegment(S, dy, b + 7 * pl, O);
                    // Three rounds of interleaving row j with row j+4 transpose the 8x8 block.
                    for (int round = 0; round < 3; round++) {
                        FloatVector s0 = Shuffles.zipLo(r0, r4);
                        FloatVector s1 = Shuffles.zipHi(r0, r4);
                        FloatVector s2 = Shuffles.zipLo(r1, r5);
                        FloatVector s3 = Shuffles.zipHi(r1, r5);
                        FloatVector s4 = Shuffles.zipLo(r2, r6);
                        FloatVector s5 = Shuffles.zipHi(r2, r6);
                        FloatVector s6 = Shuffles.zipLo(r3, r7);
                        FloatVector s7 = Shuffles.zipHi(r3, r7);
                        r0 = s0;
                        r1 = s1;
                        r2 = s2;
                        r3 = s3;
                        r4 = s4;
                        r5 = s5;
                        r6 = s6;
                        r7 = s7;
                    }
                    int a = at + i * WIDTH;
                    r0.intoArray(buf, a);
                    r1.intoArray(buf, a + WIDTH);
                    r2.intoArray(buf, a + 2 * WIDTH);
                    r3.intoArray(buf, a + 3 * WIDTH);
                    r4.intoArray(buf, a + 4 * WIDTH);
                    r5.intoArray(buf, a + 5 * WIDTH);
                    r6.intoArray(buf, a + 6 * WIDTH);
                    r7.intoArray(buf, a + 7 * WIDTH);
                }
                for (; i < valid; i++) {
                    for (int c = 0; c < L; c++) {
                        buf[at + i * WIDTH + c] = dy.getAtIndex(F, base + c * plane + i);
                    }
                }
                for (; i < rowEnd; i++) {
                    for (int c = 0; c < L; c++) {
                        buf[at + i * WIDTH + c] = 0f;
                    }
                }
            }
            p = rowEnd;
        }
    }

    /**
     * {@code part[o + j*WIDTH + c] += sum over q < n of src[s_j + q] * buf[q*stride + cOff + c]} for the 4 taps
     * {@code j} and the {@code WIDTH} channels {@code c}.
     */
    private static void tile(float[] src, int sa, int sb, int sc, int sd, float[] buf, int cOff, int n,
                             float[] part, int o) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector d0 = a0;
        FloatVector d1 = a0;
        for (int q = 0; q < n; q++) {
            FloatVector lo = FloatVector.fromArray(S, buf, cOff + WIDTH * q);
            FloatVector hi = FloatVector.fromArray(S, buf, cOff + WIDTH * q + L);
            FloatVector v = FloatVector.broadcast(S, src[sa + q]);
            a0 = v.fma(lo, a0);
            a1 = v.fma(hi, a1);
            v = FloatVector.broadcast(S, src[sb + q]);
            b0 = v.fma(lo, b0);
            b1 = v.fma(hi, b1);
            v = FloatVector.broadcast(S, src[sc + q]);
            c0 = v.fma(lo, c0);
            c1 = v.fma(hi, c1);
            v = FloatVector.broadcast(S, src[sd + q]);
            d0 = v.fma(lo, d0);
            d1 = v.fma(hi, d1);
        }
        FloatVector.fromArray(S, part, o).add(a0).intoArray(part, o);
        FloatVector.fromArray(S, part, o + L).add(a1).intoArray(part, o + L);
        FloatVector.fromArray(S, part, o + WIDTH).add(b0).intoArray(part, o + WIDTH);
        FloatVector.fromArray(S, part, o + WIDTH + L).add(b1).intoArray(part, o + WIDTH + L);
        FloatVector.fromArray(S, part, o + 2 * WIDTH).add(c0).intoArray(part, o + 2 * WIDTH);
        FloatVector.fromArray(S, part, o + 2 * WIDTH + L).add(c1).intoArray(part, o + 2 * WIDTH + L);
        FloatVector.fromArray(S, part, o + 3 * WIDTH).add(d0).intoArray(part, o + 3 * WIDTH);
        FloatVector.fromArray(S, part, o + 3 * WIDTH + L).add(d1).intoArray(part, o + 3 * WIDTH + L);
    }

    /** The definition, for an image whose input holds Inf or NaN (reads the packed image, valid pixels only). */
    private static void exactImage(ConvGeometry g, MemorySegment dy, int b, int[] tab, float[] src, int i0, int i1,
                                   float[] part, int off) {
        int k = g.patch();
        int itemLen = WIDTH * paddedTaps(k);
        int coutG = g.coutG();
        int blocks = coutG / WIDTH;
        int wq = ConvForward.packedWidth(g);
        int groupSrc = g.cinG() * g.strideH() * g.strideW() * ConvForward.packedHeight(g) * wq;
        long plane = (long) g.oh() * g.ow();
        for (int item = i0; item < i1; item++) {
            int grp = item / blocks;
            int blk = item % blocks;
            for (int r = 0; r < WIDTH; r++) {
                long dyBase = ((long) b * g.cout() + (long) grp * coutG + blk * WIDTH + r) * plane;
                int o = off + (item - i0) * itemLen + r;
                for (int t = 0; t < k; t++) {
                    int s = grp * groupSrc + tab[t];
                    float acc = 0f;
                    for (int oy = 0; oy < g.oh(); oy++) {
                        for (int ox = 0; ox < g.ow(); ox++) {
                            acc += dy.getAtIndex(F, dyBase + (long) oy * g.ow() + ox) * src[s + oy * wq + ox];
                        }
                    }
                    part[o + t * WIDTH] += acc;
                }
            }
        }
    }
}
