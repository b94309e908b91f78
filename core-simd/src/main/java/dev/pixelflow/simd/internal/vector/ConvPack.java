package dev.pixelflow.simd.internal.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies image planes from a native tensor into the heap layout the direct convolution kernels read:
 * zero-padded, and for a stride {@code (sy, sx)} split into {@code sy * sx} phase planes, so that every tap of
 * the kernel reads consecutive output pixels from consecutive floats. Costs one pass over the input, unlike an
 * im2col matrix which is {@code kh * kw} times larger.
 */
final class ConvPack {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;

    /**
     * Zeroed floats after the last plane, for the vector lanes that run past the end of the last row: the
     * widest run of a tile ({@link ConvRowTile#ONE_VECTORS} vectors) plus the packed rows' padding columns
     * ({@code extra}).
     */
    static int slack(int extra) {
        return ConvRowTile.ONE_VECTORS * Simd.LANES + extra;
    }

    private ConvPack() {
    }

    /**
     * {@code dst[dstOff + ((c*sy + py)*sx + px)*hq*wq + i*wq + j] = src[c][i*sy + py - padTop][j*sx + px - padLeft]},
     * zero where the source index is outside the {@code h x w} image; then zeroes {@code slack} floats.
     */
    static void planes(MemorySegment src, long srcOff, int channels, int h, int w, int sy, int sx, int padTop,
                       int padLeft, int hq, int wq, float[] dst, int dstOff, int slack) {
        int plane = hq * wq;
        int at = dstOff;
        for (int c = 0; c < channels; c++) {
            long srcPlane = srcOff + (long) c * h * w;
            for (int py = 0; py < sy; py++) {
                for (int px = 0; px < sx; px++) {
                    // Columns j whose source column j*sx + px - padLeft lies in [0, w).
                    int jlo = Math.max(0, Math.ceilDiv(padLeft - px, sx));
                    int jhi = Math.min(wq, Math.floorDiv(w - 1 + padLeft - px, sx) + 1);
                    for (int i = 0; i < hq; i++) {
                        int row = at + i * wq;
                        int r = i * sy + py - padTop;
                        if (r < 0 || r >= h || jhi <= jlo) {
                            Arrays.fill(dst, row, row + wq, 0f);
                            continue;
                        }
                        Arrays.fill(dst, row, row + jlo, 0f);
                        long srcRow = srcPlane + (long) r * w + px - padLeft;
                        if (sx == 1) {
                            MemorySegment.copy(src, F, (srcRow + jlo) * Float.BYTES, dst, row + jlo, jhi - jlo);
                        } else {
                            for (int j = jlo; j < jhi; j++) {
                                dst[row + j] = src.getAtIndex(F, srcRow + (long) j * sx);
                            }
                        }
                        Arrays.fill(dst, row + jhi, row + wq, 0f);
                    }
                    at += plane;
                }
            }
        }
        Arrays.fill(dst, at, at + slack, 0f);
    }

    /** False if {@code a[from, to)} holds an infinity or NaN. */
    static boolean allFinite(float[] a, int from, int to) {
        // x - x is 0 for finite x and NaN otherwise.
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = acc0;
        int i = from;
        for (; i <= to - 2 * L; i += 2 * L) {
            FloatVector v = FloatVector.fromArray(S, a, i);
            FloatVector u = FloatVector.fromArray(S, a, i + L);
            acc0 = acc0.add(v.sub(v));
            acc1 = acc1.add(u.sub(u));
        }
        float rest = 0f;
        for (; i < to; i++) {
            rest += a[i] - a[i];
        }
        return !Float.isNaN(Simd.sum(acc0.add(acc1)) + rest);
    }
}
