package dev.pixelflow.simd.internal.scalar;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.PoolGeometry;
import dev.pixelflow.simd.internal.UpsampleGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reference pooling and bilinear resizing, written after PyTorch's CPU kernels. Every op works on whole
 * (image, channel) planes, split over the pool, so each output element (and, in backward passes, each dx
 * plane that windows scatter into) belongs to exactly one thread.
 */
public final class ScalarPooling {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ScalarPooling() {
    }

    // ------------------------------------------------------------------ max pooling

    public static void maxForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                for (int oy = 0; oy < g.oh(); oy++) {
                    for (int ox = 0; ox < g.ow(); ox++) {
                        long at = argMax(g, x, p * inPlane, oy, ox);
                        float v = at < 0 ? Float.NEGATIVE_INFINITY : x.getAtIndex(F, p * inPlane + at);
                        y.setAtIndex(F, p * outPlane + (long) oy * g.ow() + ox, v);
                    }
                }
            }
        });
    }

    public static void maxBackward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment dy,
                                   MemorySegment dx) {
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                long base = p * inPlane;
                dx.asSlice(base * Float.BYTES, inPlane * Float.BYTES).fill((byte) 0);
                for (int oy = 0; oy < g.oh(); oy++) {
                    for (int ox = 0; ox < g.ow(); ox++) {
                        long at = argMax(g, x, base, oy, ox);
                        if (at >= 0) {
                            float d = dy.getAtIndex(F, p * outPlane + (long) oy * g.ow() + ox);
                            dx.setAtIndex(F, base + at, dx.getAtIndex(F, base + at) + d);
                        }
                    }
                }
            }
        });
    }

    /**
     * The in-plane index of the maximum of window (oy, ox), or -1 when the window holds no image element.
     * As in PyTorch, the first element starts as the candidate, a strictly larger value replaces it (so the
     * first maximum in row-major window order wins) and a NaN always replaces it (so NaN propagates, and
     * among several NaNs the last one wins).
     */
    public static long argMax(PoolGeometry g, MemorySegment x, long base, int oy, int ox) {
        long best = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int ky = 0; ky < g.kh(); ky++) {
            int iy = oy * g.strideH() - g.padH() + ky * g.dilH();
            if (iy < 0 || iy >= g.h()) {
                continue;
            }
            for (int kx = 0; kx < g.kw(); kx++) {
                int ix = ox * g.strideW() - g.padW() + kx * g.dilW();
                if (ix < 0 || ix >= g.w()) {
                    continue;
                }
                long at = (long) iy * g.w() + ix;
                float v = x.getAtIndex(F, base + at);
                if (best < 0 || v > max || Float.isNaN(v)) {
                    best = at;
                    max = v;
                }
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ average pooling

    public static void avgForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                long base = p * inPlane;
                for (int oy = 0; oy < g.oh(); oy++) {
                    int y0 = oy * g.strideH() - g.padH();
                    int y1 = Math.min(y0 + g.kh(), g.h());
                    for (int ox = 0; ox < g.ow(); ox++) {
                        int x0 = ox * g.strideW() - g.padW();
                        int x1 = Math.min(x0 + g.kw(), g.w());
                        float acc = 0f;
                        for (int iy = Math.max(y0, 0); iy < y1; iy++) {
                            for (int ix = Math.max(x0, 0); ix < x1; ix++) {
                                acc += x.getAtIndex(F, base + (long) iy * g.w() + ix);
                            }
                        }
                        y.setAtIndex(F, p * outPlane + (long) oy * g.ow() + ox, acc / avgDivisor(g, oy, ox));
                    }
                }
            }
        });
    }

    public static void avgBackward(ComputePool pool, PoolGeometry g, MemorySegment dy, MemorySegment dx) {
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                long base = p * inPlane;
                dx.asSlice(base * Float.BYTES, inPlane * Float.BYTES).fill((byte) 0);
                for (int oy = 0; oy < g.oh(); oy++) {
                    int y0 = oy * g.strideH() - g.padH();
                    int y1 = Math.min(y0 + g.kh(), g.h());
                    for (int ox = 0; ox < g.ow(); ox++) {
                        int x0 = ox * g.strideW() - g.padW();
                        int x1 = Math.min(x0 + g.kw(), g.w());
                        float d = dy.getAtIndex(F, p * outPlane + (long) oy * g.ow() + ox) / avgDivisor(g, oy, ox);
                        for (int iy = Math.max(y0, 0); iy < y1; iy++) {
                            for (int ix = Math.max(x0, 0); ix < x1; ix++) {
                                long at = base + (long) iy * g.w() + ix;
                                dx.setAtIndex(F, at, dx.getAtIndex(F, at) + d);
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * PyTorch's divisor: with countIncludePad, the window clipped to the padded image (which, with
     * ceil_mode=false and padding at most half the kernel, is always the full kh*kw); without, the number of
     * image elements in the window.
     */
    public static int avgDivisor(PoolGeometry g, int oy, int ox) {
        int y0 = oy * g.strideH() - g.padH();
        int x0 = ox * g.strideW() - g.padW();
        int y1 = Math.min(y0 + g.kh(), g.h() + g.padH());
        int x1 = Math.min(x0 + g.kw(), g.w() + g.padW());
        if (g.countIncludePad()) {
            return (y1 - y0) * (x1 - x0);
        }
        return (Math.min(y1, g.h()) - Math.max(y0, 0)) * (Math.min(x1, g.w()) - Math.max(x0, 0));
    }

    // ------------------------------------------------------------------ bilinear resize

    /**
     * PyTorch's source coordinate for output index {@code dst} with align_corners=false, computed in float
     * like its CPU kernel: {@code (dst + 0.5) * in/out - 0.5}, clamped below at 0.
     */
    public static float sourceCoordinate(int in, int out, int dst) {
        float scale = (float) in / out;
        float src = scale * (dst + 0.5f) - 0.5f;
        return Math.max(src, 0f);
    }

    /** The lower source index for output index {@code dst} (the upper one is {@code min(lower + 1, in - 1)}). */
    public static int lowerIndex(int in, int out, int dst) {
        return Math.min((int) sourceCoordinate(in, out, dst), in - 1);
    }

    /** The weight of the upper source index for output index {@code dst}. */
    public static float upperWeight(int in, int out, int dst) {
        return sourceCoordinate(in, out, dst) - lowerIndex(in, out, dst);
    }

    public static void bilinearForward(ComputePool pool, UpsampleGeometry g, MemorySegment x, MemorySegment y) {
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                long base = p * inPlane;
                for (int oy = 0; oy < g.oh(); oy++) {
                    int y0 = lowerIndex(g.h(), g.oh(), oy);
                    int y1 = Math.min(y0 + 1, g.h() - 1);
                    float ly1 = upperWeight(g.h(), g.oh(), oy);
                    float ly0 = 1f - ly1;
                    for (int ox = 0; ox < g.ow(); ox++) {
                        int x0 = lowerIndex(g.w(), g.ow(), ox);
                        int x1 = Math.min(x0 + 1, g.w() - 1);
                        float lx1 = upperWeight(g.w(), g.ow(), ox);
                        float lx0 = 1f - lx1;
                        long r0 = base + (long) y0 * g.w();
                        long r1 = base + (long) y1 * g.w();
                        float v = ly0 * (lx0 * x.getAtIndex(F, r0 + x0) + lx1 * x.getAtIndex(F, r0 + x1))
                                + ly1 * (lx0 * x.getAtIndex(F, r1 + x0) + lx1 * x.getAtIndex(F, r1 + x1));
                        y.setAtIndex(F, p * outPlane + (long) oy * g.ow() + ox, v);
                    }
                }
            }
        });
    }

    public static void bilinearBackward(ComputePool pool, UpsampleGeometry g, MemorySegment dy, MemorySegment dx) {
        long inPlane = (long) g.h() * g.w();
        long outPlane = (long) g.oh() * g.ow();
        pool.parallelFor(g.n() * g.c(), (from, to) -> {
            for (int p = from; p < to; p++) {
                long base = p * inPlane;
                dx.asSlice(base * Float.BYTES, inPlane * Float.BYTES).fill((byte) 0);
                for (int oy = 0; oy < g.oh(); oy++) {
                    int y0 = lowerIndex(g.h(), g.oh(), oy);
                    int y1 = Math.min(y0 + 1, g.h() - 1);
                    float ly1 = upperWeight(g.h(), g.oh(), oy);
                    float ly0 = 1f - ly1;
                    for (int ox = 0; ox < g.ow(); ox++) {
                        int x0 = lowerIndex(g.w(), g.ow(), ox);
                        int x1 = Math.min(x0 + 1, g.w() - 1);
                        float lx1 = upperWeight(g.w(), g.ow(), ox);
                        float lx0 = 1f - lx1;
                        float d = dy.getAtIndex(F, p * outPlane + (long) oy * g.ow() + ox);
                        long r0 = base + (long) y0 * g.w();
                        long r1 = base + (long) y1 * g.w();
                        addAt(dx, r0 + x0, ly0 * lx0 * d);
                        addAt(dx, r0 + x1, ly0 * lx1 * d);
                        addAt(dx, r1 + x0, ly1 * lx0 * d);
                        addAt(dx, r1 + x1, ly1 * lx1 * d);
                    }
                }
            }
        });
    }

    private static void addAt(MemorySegment s, long i, float v) {
        s.setAtIndex(F, i, s.getAtIndex(F, i) + v);
    }
}
