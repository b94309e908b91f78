package dev.pixelflow.simd.internal.scalar;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.ConvGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reference convolution: the definition as nested loops (PyTorch {@code Conv2d}, cross-correlation), with
 * stride, padding, dilation and groups. Work is split so that every output element is written by exactly
 * one thread: forward over (image, output channel), backward-data over (image, input channel),
 * backward-weight and bias over output channels.
 */
public final class ScalarConv {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ScalarConv() {
    }

    public static void forward(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment w,
                               MemorySegment bias, MemorySegment y) {
        int cinG = g.cinG();
        int coutG = g.coutG();
        pool.parallelFor(g.n() * g.cout(), (from, to) -> {
            for (int t = from; t < to; t++) {
                int b = t / g.cout();
                int co = t % g.cout();
                int ciBase = (co / coutG) * cinG;
                float b0 = bias == null ? 0f : bias.getAtIndex(F, co);
                for (int oy = 0; oy < g.oh(); oy++) {
                    for (int ox = 0; ox < g.ow(); ox++) {
                        float acc = 0f;
                        for (int ci = 0; ci < cinG; ci++) {
                            long xPlane = ((long) b * g.cin() + ciBase + ci) * g.h() * g.w();
                            long wBase = ((long) co * cinG + ci) * g.kh() * g.kw();
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
                                    acc += x.getAtIndex(F, xPlane + (long) iy * g.w() + ix)
                                            * w.getAtIndex(F, wBase + (long) ky * g.kw() + kx);
                                }
                            }
                        }
                        y.setAtIndex(F, (((long) b * g.cout() + co) * g.oh() + oy) * g.ow() + ox, acc + b0);
                    }
                }
            }
        });
    }

    public static void backwardData(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment w,
                                    MemorySegment dx) {
        int cinG = g.cinG();
        int coutG = g.coutG();
        pool.parallelFor(g.n() * g.cin(), (from, to) -> {
            for (int t = from; t < to; t++) {
                int b = t / g.cin();
                int ci = t % g.cin();
                int grp = ci / cinG;
                int ciLocal = ci - grp * cinG;
                long dxPlane = ((long) b * g.cin() + ci) * g.h() * g.w();
                for (long i = 0; i < (long) g.h() * g.w(); i++) {
                    dx.setAtIndex(F, dxPlane + i, 0f);
                }
                for (int co = grp * coutG; co < (grp + 1) * coutG; co++) {
                    long dyPlane = ((long) b * g.cout() + co) * g.oh() * g.ow();
                    long wBase = ((long) co * cinG + ciLocal) * g.kh() * g.kw();
                    for (int oy = 0; oy < g.oh(); oy++) {
                        for (int ox = 0; ox < g.ow(); ox++) {
                            float d = dy.getAtIndex(F, dyPlane + (long) oy * g.ow() + ox);
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
                                    long at = dxPlane + (long) iy * g.w() + ix;
                                    dx.setAtIndex(F, at, dx.getAtIndex(F, at)
                                            + d * w.getAtIndex(F, wBase + (long) ky * g.kw() + kx));
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    public static void backwardWeight(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment dy,
                                      MemorySegment dw) {
        int cinG = g.cinG();
        int coutG = g.coutG();
        pool.parallelFor(g.cout(), (from, to) -> {
            for (int co = from; co < to; co++) {
                int ciBase = (co / coutG) * cinG;
                for (int ci = 0; ci < cinG; ci++) {
                    for (int ky = 0; ky < g.kh(); ky++) {
                        for (int kx = 0; kx < g.kw(); kx++) {
                            float acc = 0f;
                            for (int b = 0; b < g.n(); b++) {
                                long xPlane = ((long) b * g.cin() + ciBase + ci) * g.h() * g.w();
                                long dyPlane = ((long) b * g.cout() + co) * g.oh() * g.ow();
                                for (int oy = 0; oy < g.oh(); oy++) {
                                    int iy = oy * g.strideH() - g.padH() + ky * g.dilH();
                                    if (iy < 0 || iy >= g.h()) {
                                        continue;
                                    }
                                    for (int ox = 0; ox < g.ow(); ox++) {
                                        int ix = ox * g.strideW() - g.padW() + kx * g.dilW();
                                        if (ix < 0 || ix >= g.w()) {
                                            continue;
                                        }
                                        acc += dy.getAtIndex(F, dyPlane + (long) oy * g.ow() + ox)
                                                * x.getAtIndex(F, xPlane + (long) iy * g.w() + ix);
                                    }
                                }
                            }
                            dw.setAtIndex(F, (((long) co * cinG + ci) * g.kh() + ky) * g.kw() + kx, acc);
                        }
                    }
                }
            }
        });
    }

    public static void backwardBias(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment db) {
        long plane = (long) g.oh() * g.ow();
        pool.parallelFor(g.cout(), (from, to) -> {
            for (int co = from; co < to; co++) {
                float acc = 0f;
                for (int b = 0; b < g.n(); b++) {
                    long base = ((long) b * g.cout() + co) * plane;
                    for (long i = 0; i < plane; i++) {
                        acc += dy.getAtIndex(F, base + i);
                    }
                }
                db.setAtIndex(F, co, acc);
            }
        });
    }
}
