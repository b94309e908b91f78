package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.scalar.ScalarPointwise;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API activations, elementwise ops, reductions and pairwise distances. Element counts are longs
 * throughout (a tensor may hold more than 2^31 floats). Elementwise ops load before they store at the same
 * index, so an output may be the very same segment as an input.
 */
final class VectorPointwise {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ByteOrder O = Simd.ORDER;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /**
     * Reductions accumulate in float vectors within blocks of this many elements and add the block results
     * in double: as fast as pure float accumulation, but the error no longer grows with n.
     */
    private static final int BLOCK = 4096;

    private VectorPointwise() {
    }

    private static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(S, s, i * Float.BYTES, O);
    }

    private static void store(FloatVector v, MemorySegment s, long i) {
        v.intoMemorySegment(s, i * Float.BYTES, O);
    }

    // ------------------------------------------------------------------ activations

    static void activationForward(Activation f, MemorySegment x, MemorySegment y, long n) {
        switch (f.kind()) {
            case IDENTITY -> MemorySegment.copy(x, 0, y, 0, n * Float.BYTES);
            case RELU -> relu(x, y, n);
            case LEAKY_RELU -> leakyRelu(x, f.alpha(), y, n);
            case SIGMOID -> sigmoid(x, y, n);
            case TANH -> tanh(x, y, n);
        }
    }

    static void activationBackward(Activation f, MemorySegment x, MemorySegment y, MemorySegment dy,
                                   MemorySegment dx, long n) {
        switch (f.kind()) {
            case IDENTITY -> MemorySegment.copy(dy, 0, dx, 0, n * Float.BYTES);
            case RELU -> reluBackward(x, dy, dx, n);
            case LEAKY_RELU -> leakyReluBackward(x, f.alpha(), dy, dx, n);
            case SIGMOID -> sigmoidBackward(y, dy, dx, n);
            case TANH -> tanhBackward(y, dy, dx, n);
        }
    }

    private static void relu(MemorySegment x, MemorySegment y, long n) {
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            store(load(x, i).max(0f), y, i); // lanewise MAX is Math.max: NaN stays NaN
        }
        for (; i < n; i++) {
            y.setAtIndex(F, i, ScalarPointwise.relu(x.getAtIndex(F, i)));
        }
    }

    private static void leakyRelu(MemorySegment x, float alpha, MemorySegment y, long n) {
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = load(x, i);
            store(v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)), y, i);
        }
        for (; i < n; i++) {
            y.setAtIndex(F, i, ScalarPointwise.leakyRelu(x.getAtIndex(F, i), alpha));
        }
    }

    /** The overflow-free form of {@link ScalarPointwise#sigmoid}, with the float {@link VectorMath#exp}. */
    private static void sigmoid(MemorySegment x, MemorySegment y, long n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = load(x, i);
            FloatVector e = VectorMath.exp(v.abs().neg());
            FloatVector s = one.div(one.add(e));
            store(s.blend(e.mul(s), v.compare(VectorOperators.LT, 0f)), y, i);
        }
        for (; i < n; i++) {
            y.setAtIndex(F, i, ScalarPointwise.sigmoid(x.getAtIndex(F, i)));
        }
    }

    private static void tanh(MemorySegment x, MemorySegment y, long n) {
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            store(load(x, i).lanewise(VectorOperators.TANH), y, i);
        }
        for (; i < n; i++) {
            y.setAtIndex(F, i, (float) Math.tanh(x.getAtIndex(F, i)));
        }
    }

    private static void reluBackward(MemorySegment x, MemorySegment dy, MemorySegment dx, long n) {
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            VectorMask<Float> off = load(x, i).compare(VectorOperators.LE, 0f);
            store(load(dy, i).blend(0f, off), dx, i);
        }
        for (; i < n; i++) {
            dx.setAtIndex(F, i, x.getAtIndex(F, i) <= 0f ? 0f : dy.getAtIndex(F, i));
        }
    }

    private static void leakyReluBackward(MemorySegment x, float alpha, MemorySegment dy, MemorySegment dx, long n) {
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            FloatVector d = load(dy, i);
            store(d.mul(alpha).blend(d, load(x, i).compare(VectorOperators.GT, 0f)), dx, i);
        }
        for (; i < n; i++) {
            float d = dy.getAtIndex(F, i);
            dx.setAtIndex(F, i, x.getAtIndex(F, i) > 0f ? d : d * alpha);
        }
    }

    private static void sigmoidBackward(MemorySegment y, MemorySegment dy, MemorySegment dx, long n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            FloatVector s = load(y, i);
            store(load(dy, i).mul(s.mul(one.sub(s))), dx, i);
        }
        for (; i < n; i++) {
            float s = y.getAtIndex(F, i);
            dx.setAtIndex(F, i, dy.getAtIndex(F, i) * (s * (1f - s)));
        }
    }

    private static void tanhBackward(MemorySegment y, MemorySegment dy, MemorySegment dx, long n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            FloatVector t = load(y, i);
            store(load(dy, i).mul(one.sub(t.mul(t))), dx, i);
        }
        for (; i < n; i++) {
            float t = y.getAtIndex(F, i);
            dx.setAtIndex(F, i, dy.getAtIndex(F, i) * (1f - t * t));
        }
    }

    // ------------------------------------------------------------------ elementwise

    static void add(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            store(load(a, i).add(load(b, i)), out, i);
        }
        for (; i < n; i++) {
            out.setAtIndex(F, i, a.getAtIndex(F, i) + b.getAtIndex(F, i));
        }
    }

    static void sub(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            store(load(a, i).sub(load(b, i)), out, i);
        }
        for (; i < n; i++) {
            out.setAtIndex(F, i, a.getAtIndex(F, i) - b.getAtIndex(F, i));
        }
    }

    static void mul(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            store(load(a, i).mul(load(b, i)), out, i);
        }
        for (; i < n; i++) {
            out.setAtIndex(F, i, a.getAtIndex(F, i) * b.getAtIndex(F, i));
        }
    }

    static void scale(MemorySegment a, float s, MemorySegment out, long n) {
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            store(load(a, i).mul(s), out, i);
        }
        for (; i < n; i++) {
            out.setAtIndex(F, i, s * a.getAtIndex(F, i));
        }
    }

    /** y + alpha * x as a separate multiply and add (no fma), so it rounds exactly like the reference. */
    static void axpy(float alpha, MemorySegment x, MemorySegment y, long n) {
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            store(load(y, i).add(load(x, i).mul(alpha)), y, i);
        }
        for (; i < n; i++) {
            y.setAtIndex(F, i, y.getAtIndex(F, i) + alpha * x.getAtIndex(F, i));
        }
    }

    static void addChannelBias(MemorySegment x, MemorySegment bias, int batch, int channels, int inner) {
        int bound = S.loopBound(inner);
        long at = 0;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++, at += inner) {
                float v = bias.getAtIndex(F, c);
                int i = 0;
                for (; i < bound; i += L) {
                    store(load(x, at + i).add(v), x, at + i);
                }
                for (; i < inner; i++) {
                    x.setAtIndex(F, at + i, x.getAtIndex(F, at + i) + v);
                }
            }
        }
    }

    // ------------------------------------------------------------------ reductions

    static float sum(MemorySegment a, long n) {
        double total = 0;
        for (long start = 0; start < n; start += BLOCK) {
            total += sumBlock(a, start, (int) Math.min(BLOCK, n - start));
        }
        return (float) total;
    }

    private static float sumBlock(MemorySegment a, long start, int len) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        FloatVector acc2 = FloatVector.zero(S);
        FloatVector acc3 = FloatVector.zero(S);
        int i = 0;
        for (int bound = len - len % (4 * L); i < bound; i += 4 * L) {
            long at = start + i;
            acc0 = acc0.add(load(a, at));
            acc1 = acc1.add(load(a, at + L));
            acc2 = acc2.add(load(a, at + 2 * L));
            acc3 = acc3.add(load(a, at + 3 * L));
        }
        for (int bound = S.loopBound(len); i < bound; i += L) {
            acc0 = acc0.add(load(a, start + i));
        }
        float r = Simd.sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < len; i++) {
            r += a.getAtIndex(F, start + i);
        }
        return r;
    }

    static float dot(MemorySegment a, MemorySegment b, long n) {
        double total = 0;
        for (long start = 0; start < n; start += BLOCK) {
            total += dotBlock(a, b, start, (int) Math.min(BLOCK, n - start));
        }
        return (float) total;
    }

    private static float dotBlock(MemorySegment a, MemorySegment b, long start, int len) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        FloatVector acc2 = FloatVector.zero(S);
        FloatVector acc3 = FloatVector.zero(S);
        int i = 0;
        for (int bound = len - len % (4 * L); i < bound; i += 4 * L) {
            long at = start + i;
            acc0 = load(a, at).fma(load(b, at), acc0);
            acc1 = load(a, at + L).fma(load(b, at + L), acc1);
            acc2 = load(a, at + 2 * L).fma(load(b, at + 2 * L), acc2);
            acc3 = load(a, at + 3 * L).fma(load(b, at + 3 * L), acc3);
        }
        for (int bound = S.loopBound(len); i < bound; i += L) {
            acc0 = load(a, start + i).fma(load(b, start + i), acc0);
        }
        float r = Simd.sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < len; i++) {
            r = Math.fma(a.getAtIndex(F, start + i), b.getAtIndex(F, start + i), r);
        }
        return r;
    }

    static float sumOfSquares(MemorySegment a, long n) {
        double total = 0;
        for (long start = 0; start < n; start += BLOCK) {
            total += sumOfSquaresBlock(a, start, (int) Math.min(BLOCK, n - start));
        }
        return (float) total;
    }

    private static float sumOfSquaresBlock(MemorySegment a, long start, int len) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        FloatVector acc2 = FloatVector.zero(S);
        FloatVector acc3 = FloatVector.zero(S);
        int i = 0;
        for (int bound = len - len % (4 * L); i < bound; i += 4 * L) {
            long at = start + i;
            FloatVector v0 = load(a, at);
            FloatVector v1 = load(a, at + L);
            FloatVector v2 = load(a, at + 2 * L);
            FloatVector v3 = load(a, at + 3 * L);
            acc0 = v0.fma(v0, acc0);
            acc1 = v1.fma(v1, acc1);
            acc2 = v2.fma(v2, acc2);
            acc3 = v3.fma(v3, acc3);
        }
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector v = load(a, start + i);
            acc0 = v.fma(v, acc0);
        }
        float r = Simd.sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < len; i++) {
            float v = a.getAtIndex(F, start + i);
            r = Math.fma(v, v, r);
        }
        return r;
    }

    /** Lanewise MAX and MIN follow Math.max/min, so a NaN anywhere reaches the result. */
    static float max(MemorySegment a, long n) {
        assert n >= 1;
        FloatVector acc0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        long i = 0;
        for (long bound = n - n % (4L * L); i < bound; i += 4L * L) {
            acc0 = acc0.max(load(a, i));
            acc1 = acc1.max(load(a, i + L));
            acc2 = acc2.max(load(a, i + 2 * L));
            acc3 = acc3.max(load(a, i + 3 * L));
        }
        for (long bound = S.loopBound(n); i < bound; i += L) {
            acc0 = acc0.max(load(a, i));
        }
        float r = acc0.max(acc1).max(acc2.max(acc3)).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            r = Math.max(r, a.getAtIndex(F, i));
        }
        return r;
    }

    static float min(MemorySegment a, long n) {
        assert n >= 1;
        FloatVector acc0 = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        long i = 0;
        for (long bound = n - n % (4L * L); i < bound; i += 4L * L) {
            acc0 = acc0.min(load(a, i));
            acc1 = acc1.min(load(a, i + L));
            acc2 = acc2.min(load(a, i + 2 * L));
            acc3 = acc3.min(load(a, i + 3 * L));
        }
        for (long bound = S.loopBound(n); i < bound; i += L) {
            acc0 = acc0.min(load(a, i));
        }
        float r = acc0.min(acc1).min(acc2.min(acc3)).reduceLanes(VectorOperators.MIN);
        for (; i < n; i++) {
            r = Math.min(r, a.getAtIndex(F, i));
        }
        return r;
    }

    // ------------------------------------------------------------------ distances

    /** Rows of y per cache tile: about 64 KiB of y, so a tile stays in L2 while every x row passes over it. */
    private static int yTileRows(int d) {
        return Math.max(4, (16 * 1024) / Math.max(1, d)) & ~3;
    }

    static void pairwiseSquaredDistances(ComputePool pool, MemorySegment x, int n, MemorySegment y, int m, int d,
                                         MemorySegment out) {
        int tile = yTileRows(d);
        pool.parallelFor(n, (from, to) -> {
            for (int j0 = 0; j0 < m; j0 += tile) {
                int j1 = Math.min(m, j0 + tile);
                for (int i = from; i < to; i++) {
                    long xRow = (long) i * d;
                    long outRow = (long) i * m;
                    int j = j0;
                    for (; j + 4 <= j1; j += 4) {
                        distances4(x, xRow, y, j, d, out, outRow + j);
                    }
                    for (; j < j1; j++) {
                        out.setAtIndex(F, outRow + j, distance(x, xRow, y, (long) j * d, d));
                    }
                }
            }
        });
    }

    /** Distances from one x row to four consecutive y rows: x is loaded once per four differences. */
    private static void distances4(MemorySegment x, long xRow, MemorySegment y, int j, int d, MemorySegment out,
                                   long outAt) {
        long y0 = (long) j * d;
        long y1 = y0 + d;
        long y2 = y1 + d;
        long y3 = y2 + d;
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        FloatVector acc2 = FloatVector.zero(S);
        FloatVector acc3 = FloatVector.zero(S);
        int k = 0;
        for (int bound = S.loopBound(d); k < bound; k += L) {
            FloatVector xv = load(x, xRow + k);
            FloatVector d0 = xv.sub(load(y, y0 + k));
            FloatVector d1 = xv.sub(load(y, y1 + k));
            FloatVector d2 = xv.sub(load(y, y2 + k));
            FloatVector d3 = xv.sub(load(y, y3 + k));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
        }
        float r0 = Simd.sum(acc0);
        float r1 = Simd.sum(acc1);
        float r2 = Simd.sum(acc2);
        float r3 = Simd.sum(acc3);
        for (; k < d; k++) {
            float xv = x.getAtIndex(F, xRow + k);
            float e0 = xv - y.getAtIndex(F, y0 + k);
            float e1 = xv - y.getAtIndex(F, y1 + k);
            float e2 = xv - y.getAtIndex(F, y2 + k);
            float e3 = xv - y.getAtIndex(F, y3 + k);
            r0 = Math.fma(e0, e0, r0);
            r1 = Math.fma(e1, e1, r1);
            r2 = Math.fma(e2, e2, r2);
            r3 = Math.fma(e3, e3, r3);
        }
        out.setAtIndex(F, outAt, r0);
        out.setAtIndex(F, outAt + 1, r1);
        out.setAtIndex(F, outAt + 2, r2);
        out.setAtIndex(F, outAt + 3, r3);
    }

    private static float distance(MemorySegment x, long xRow, MemorySegment y, long yRow, int d) {
        FloatVector acc = FloatVector.zero(S);
        int k = 0;
        for (int bound = S.loopBound(d); k < bound; k += L) {
            FloatVector e = load(x, xRow + k).sub(load(y, yRow + k));
            acc = e.fma(e, acc);
        }
        float r = Simd.sum(acc);
        for (; k < d; k++) {
            float e = x.getAtIndex(F, xRow + k) - y.getAtIndex(F, yRow + k);
            r = Math.fma(e, e, r);
        }
        return r;
    }
}
