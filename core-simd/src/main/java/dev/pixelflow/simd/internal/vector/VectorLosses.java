package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.BlockSums;
import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.Scratch;
import dev.pixelflow.simd.internal.scalar.ScalarLosses;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loss kernels. Elements are computed in float lanes; lane sums are flushed into a double every
 * {@link #CHUNK} elements (pixels for the softmax loss), so the float error does not grow with the tensor
 * size. The work is cut into the same fixed items as {@link ScalarLosses}, spread over the compute pool, and
 * the items' partial sums are added in item order, so the thread count never changes a result.
 */
final class VectorLosses {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Longs of the vector shape of {@link #S}: the loss kernels' staging rows hold their float vectors as longs. */
    private static final VectorSpecies<Long> S_LONG = VectorSpecies.of(long.class, S.vectorShape());
    /**
     * Native order, as {@link Simd#ORDER}: a staged long carries two floats' bytes unchanged to the segment, since
     * the Vector API reinterprets lanes in little-endian order and the vector kernels run only on little-endian
     * platforms ({@code KernelProvider.littleEndian}).
     */
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final int CHUNK = 2048;
    /** Elements per sweep of the BCE kernel: its three scratch rows (6 kB) and the inputs stay in L1. */
    private static final int PASS = 512;
    /** Pixels per sub-chunk of the softmax kernel: C + 8 staging rows of 1 kB each. */
    private static final int SCE_PASS = 256;
    /** Per-pixel rows of the softmax staging, after the C class rows (see {@link #sceRun}). */
    private static final int SCE_M = 0;
    private static final int SCE_XY = 1;
    private static final int SCE_WY = 2;
    private static final int SCE_SKIP = 3;
    private static final int SCE_Z = 4;
    private static final int SCE_SWD = 5;
    private static final int SCE_COEF = 6;
    private static final int SCE_LOSS = 7;
    private static final int SCE_ROWS = 8;
    /** Pixels per sub-chunk of the two-class kernel: its four staging rows (8 kB) and the inputs stay in L1. */
    private static final int SCE2_PASS = 512;
    /** Staging rows of the two-class sweeps (see {@link #sce2Run}), in longs: exp, gradient 0 and 1, loss. */
    private static final int SCE2_E = 0;
    private static final int SCE2_G0 = SCE2_PASS / 2;
    private static final int SCE2_G1 = SCE2_PASS;
    private static final int SCE2_LOSS = 3 * SCE2_PASS / 2;
    private static final FloatVector V_ZERO = FloatVector.zero(S);
    private static final FloatVector V_ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector V_MAX = FloatVector.broadcast(S, Float.MAX_VALUE);

    private VectorLosses() {
    }

    // ------------------------------------------------------------------ binary cross-entropy

    static double bceWithLogits(ComputePool pool, MemorySegment xs, MemorySegment ys, MemorySegment ws,
                                MemorySegment pws, int batch, int channels, long inner, float gradScale,
                                MemorySegment gs, MemorySegment ls) {
        if (inner == 0) {
            return 0;
        }
        long block = ScalarLosses.BCE_BLOCK;
        long perPlane = (inner + block - 1) / block;
        int items = Math.toIntExact((long) batch * channels * perPlane);
        return BlockSums.sum(pool, items, item -> {
            long plane = item / perPlane;
            long blk = item % perPlane;
            int c = (int) (plane % channels);
            float p = pws == null ? 1f : pws.getAtIndex(F, c);
            long from = plane * inner + blk * block;
            long to = Math.min(plane * inner + inner, from + block);
            return bceBlock(xs, ys, ws, p, from, to, gradScale, gs, ls);
        });
    }

    /** Elements [from, to) of one plane: vector chunks, then the scalar tail; NaN on invalid input. */
    private static double bceBlock(MemorySegment xs, MemorySegment ys, MemorySegment ws, float p, long from,
                                   long to, float gradScale, MemorySegment gs, MemorySegment ls) {
        double sum = 0;
        long i = from;
        while (to - i >= L) {
            long stop = i + Math.min(CHUNK, (to - i) / L * L);
            float part = run(xs, ys, ws, p, i, stop, gradScale, gs, ls);
            if (Float.isNaN(part)) {
                return Double.NaN;
            }
            sum += part;
            i = stop;
        }
        if (i < to) {
            sum += ScalarLosses.bceRun(xs, ys, ws, p, i, to, gradScale, gs, ls);
        }
        return sum;
    }

    /**
     * Elements [from, to), a whole number of vectors, in sub-chunks of {@link #PASS} elements with two sweeps
     * each: exp(-|x|) into an L1 scratch array, then log1p, the loss and the gradient from it. Returns the
     * lane-summed loss, or NaN on invalid input, checked per sub-chunk before its outputs are written.
     *
     * <p>Why two sweeps and a scratch array rather than one loop storing into the segments:
     * <ul>
     *   <li>One loop body holding exp, log1p and the sigmoid's division is one long dependency chain per vector,
     *       and C2 does not unroll a body that large (unrolled by hand, it stops inlining the polynomials and
     *       boxes the vectors). The out-of-order core then overlaps few iterations. Two shorter bodies overlap
     *       well: ~2x on this kernel, in cache.</li>
     *   <li>A vector store into a {@code MemorySegment} is an access of unknown base for C2, which then reloads
     *       the segments' fields and liveness checks after every store; a store into a Java array is not. The
     *       outputs go to the array and are copied out once per sub-chunk.</li>
     *   <li>The array is a {@code long[]} holding the float vectors reinterpreted (see {@link Scratch#longs}): a
     *       store into a {@code float[]} may alias the payloads of the constant vectors, and C2 then reloads every
     *       constant of the exp and log1p polynomials after each store (0.74 against 0.45 ns per element in
     *       cache, one thread).</li>
     * </ul>
     */
    private static float run(MemorySegment xs, MemorySegment ys, MemorySegment ws, float p, long from, long to,
                             float gradScale, MemorySegment gs, MemorySegment ls) {
        long[] buf = Scratch.longs(3 * PASS / 2);
        FloatVector pm1 = FloatVector.broadcast(S, p - 1f);
        FloatVector pv = FloatVector.broadcast(S, p);
        FloatVector scale = FloatVector.broadcast(S, gradScale);
        FloatVector acc = FloatVector.zero(S);
        for (long start = from; start < to; start += PASS) {
            int n = (int) Math.min(PASS, to - start);
            long base = start * 4;
            VectorMask<Float> ok = S.maskAll(true);
            for (int j = 0; j < n; j += L) {
                FloatVector ax = FloatVector.fromMemorySegment(S, xs, base + j * 4L, Simd.ORDER).abs();
                ok = ok.and(ax.compare(VectorOperators.LE, V_MAX));
                VectorMath.exp(ax.neg()).reinterpretAsLongs().intoArray(buf, j / 2);
            }
            for (int j = 0; j < n; j += L) {
                long o = base + j * 4L;
                FloatVector x = FloatVector.fromMemorySegment(S, xs, o, Simd.ORDER);
                FloatVector y = FloatVector.fromMemorySegment(S, ys, o, Simd.ORDER);
                FloatVector e = LongVector.fromArray(S_LONG, buf, j / 2).reinterpretAsFloats();
                ok = ok.and(y.compare(VectorOperators.GE, V_ZERO)).and(y.compare(VectorOperators.LE, V_ONE));
                FloatVector w = null;
                if (ws != null) {
                    w = FloatVector.fromMemorySegment(S, ws, o, Simd.ORDER);
                    ok = ok.and(w.compare(VectorOperators.GE, V_ZERO)).and(w.compare(VectorOperators.LE, V_MAX));
                }
                VectorMask<Float> neg = x.compare(VectorOperators.LT, V_ZERO);
                // softplus(-x) = log1p(e) + max(-x, 0)
                FloatVector softplusNeg = VectorMath.log1p(e).add(V_ZERO.blend(x.abs(), neg));
                FloatVector a = y.fma(pm1, V_ONE);
                // (1-y)*x + (1+(p-1)*y)*softplus(-x)
                FloatVector l = a.fma(softplusNeg, x.sub(y.mul(x)));
                if (w != null) {
                    l = l.mul(w);
                }
                acc = acc.add(l);
                if (ls != null) {
                    l.reinterpretAsLongs().intoArray(buf, PASS + j / 2);
                }
                if (gs != null) {
                    FloatVector sig = V_ONE.blend(e, neg).div(e.add(V_ONE));
                    FloatVector g = a.mul(sig).sub(y.mul(pv));
                    g = w == null ? g.mul(scale) : g.mul(w.mul(scale));
                    g.reinterpretAsLongs().intoArray(buf, PASS / 2 + j / 2);
                }
            }
            if (!ok.allTrue()) {
                return Float.NaN;
            }
            if (gs != null) {
                MemorySegment.copy(buf, PASS / 2, gs, LONG, base, n / 2);
            }
            if (ls != null) {
                MemorySegment.copy(buf, PASS, ls, LONG, base, n / 2);
            }
        }
        float[] lanes = Scratch.floats(Scratch.LOSS, L);
        acc.intoArray(lanes, 0);
        return Simd.sumLanes(lanes, 0); // not Simd.sum(acc): see sumLanes
    }

    // ------------------------------------------------------------------ softmax cross-entropy

    static double softmaxCrossEntropy(ComputePool pool, MemorySegment xs, MemorySegment ys, int batch, int classes,
                                      int spatial, float[] w, float ignore, float smoothing, float gradScale,
                                      MemorySegment gs, MemorySegment ls) {
        long pixels = (long) batch * spatial;
        long block = ScalarLosses.SCE_BLOCK;
        int items = Math.toIntExact((pixels + block - 1) / block);
        double wSumD = ScalarLosses.weightSum(w, classes);
        return BlockSums.sum(pool, items, item -> {
            long p0 = item * block;
            long p1 = Math.min(pixels, p0 + block);
            double sum = 0;
            for (long b = p0 / spatial; b * spatial < p1; b++) {
                long s0 = Math.max(p0 - b * spatial, 0);
                long s1 = Math.min(p1 - b * spatial, spatial);
                long s = s0;
                while (s1 - s >= L) {
                    long stop = s + Math.min(CHUNK, (s1 - s) / L * L);
                    float part = sceRun(xs, ys, classes, spatial, b, s, stop, w, (float) wSumD, ignore, smoothing,
                            gradScale, gs, ls);
                    if (Float.isNaN(part)) {
                        return Double.NaN;
                    }
                    sum += part;
                    s = stop;
                }
                if (s < s1) {
                    sum += ScalarLosses.sceRun(xs, ys, classes, spatial, b, s, s1, w, wSumD, ignore, smoothing,
                            gradScale, gs, ls);
                }
            }
            return sum;
        });
    }

    /**
     * Pixels {@code [s0, s1)} of image {@code b}, a whole number of vectors of consecutive pixels, in sub-chunks of
     * {@link #SCE_PASS} pixels, each in up to five sweeps with per-pixel state in staging rows of longs (see
     * {@link Scratch#longs} for why longs): {@link #sceGather} (max, label logit and weight, checks),
     * {@link #sceExp} (exp(x - m) of every class, parked, its sum and the smoothing sum), {@link #sceLoss}
     * (log-sum-exp, loss), then with a gradient {@link #sceCoef} (its per-pixel coefficient) and {@link #sceGrad}
     * (the gradient, overwriting the parked exp); the outputs are copied out. Returns the sum of the sub-chunks'
     * lane-summed losses, or NaN, before the sub-chunk's outputs are written, at a NaN logit or a bad label.
     * Two classes take {@link #sce2Run}.
     *
     * <p>Sweeps rather than one pass per pixel vector for the reason given at {@link #run}. Each sweep is its own
     * small method: no vector crosses a call (the state is in the staging rows), and C2 stops inlining a method's
     * calls once its parse has made about 18,000 nodes (NodeCountInliningCutoff), which the Vector API reaches
     * with a few dozen operations. A call it does not inline inside a loop boxes its vectors on every iteration;
     * a whole sweep it does not inline here is merely a call. So the loops call nothing but {@link VectorMath},
     * early in their bodies, and the staging is written out rather than through small helpers. Their loops count
     * staging longs ({@code at}, two pixels each) rather than pixels: an index {@code j / 2} is not linear in the
     * loop variable for C2, which then keeps an array range check in every iteration instead of hoisting it
     * (1.1-1.3x in cache for three and five classes).
     */
    private static float sceRun(MemorySegment xs, MemorySegment ys, int classes, long spatial, long b, long s0,
                                long s1, float[] w, float wSum, float ignore, float smoothing, float gradScale,
                                MemorySegment gs, MemorySegment ls) {
        long xBase = b * classes * spatial;
        long yBase = b * spatial;
        long rowBytes = spatial * 4;
        if (classes == 2) {
            return sce2Run(xs, ys, xBase, yBase, rowBytes, s0, s1, w, wSum, ignore, smoothing, gradScale, gs, ls);
        }
        int p = SCE_PASS;
        long[] buf = Scratch.longs((classes + SCE_ROWS) * p / 2);
        float[] lanes = Scratch.floats(Scratch.LOSS, L);
        float sum = 0;
        for (long t0 = s0; t0 < s1; t0 += p) {
            int n = (int) Math.min(p, s1 - t0);
            long xFirst = (xBase + t0) * 4;
            long yFirst = (yBase + t0) * 4;
            if (!sceGather(xs, ys, classes, rowBytes, xFirst, yFirst, n, w, ignore, buf)) {
                return Float.NaN;
            }
            sceExp(xs, classes, rowBytes, xFirst, n, w, smoothing, buf);
            sum += sceLoss(classes, n, wSum, smoothing, ls != null, buf, lanes);
            if (ls != null) {
                MemorySegment.copy(buf, sceRow(classes, SCE_LOSS), ls, LONG, yFirst, n / 2);
            }
            if (gs != null) {
                sceCoef(classes, n, wSum, smoothing, gradScale, buf);
                sceGrad(ys, classes, yFirst, n, w, smoothing, gradScale, buf);
                long off = xFirst;
                for (int c = 0; c < classes; c++, off += rowBytes) {
                    MemorySegment.copy(buf, c * (p / 2), gs, LONG, off, n / 2);
                }
            }
        }
        return sum;
    }

    /**
     * {@link #sceRun} for two classes, which binary segmentation uses, in sub-chunks of {@link #SCE2_PASS} pixels
     * with two sweeps each, as the BCE kernel ({@link #run}, which says why): {@link #sce2Exp} checks the logits and
     * stages e = exp(-|x0 - x1|), {@link #sce2Rest} checks the labels and computes the loss and the gradient from
     * it, then the staged outputs are copied out. Both sweeps count staging longs, as {@link #sceRun}'s do. With m
     * the larger logit, sum_c exp(x_c - m) = 1 + e, so a pixel costs one exponential, one log1p and one division
     * for the probabilities, 1/(1 + e) and e/(1 + e).
     */
    private static float sce2Run(MemorySegment xs, MemorySegment ys, long xBase, long yBase, long rowBytes, long s0,
                                 long s1, float[] w, float wSum, float ignore, float smoothing, float gradScale,
                                 MemorySegment gs, MemorySegment ls) {
        long[] buf = Scratch.longs(2 * SCE2_PASS);
        float[] lanes = Scratch.floats(Scratch.LOSS, L);
        float sum = 0;
        for (long t0 = s0; t0 < s1; t0 += SCE2_PASS) {
            int n = (int) Math.min(SCE2_PASS, s1 - t0);
            long x0At = (xBase + t0) * 4;
            long x1At = x0At + rowBytes;
            long yAt = (yBase + t0) * 4;
            if (!sce2Exp(xs, x0At, x1At, n, buf)) {
                return Float.NaN;
            }
            float part = sce2Rest(xs, ys, x0At, x1At, yAt, n, w, wSum, ignore, smoothing, gradScale, ls != null,
                    buf, lanes);
            // a NaN part is a bad label or a NaN loss from infinite logits (a result); the labels tell them apart
            if (Float.isNaN(part) && Double.isNaN(labelWeightRun(ys, yAt / 4, yAt / 4 + n, 2, null, ignore))) {
                return Float.NaN;
            }
            sum += part;
            if (ls != null) {
                MemorySegment.copy(buf, SCE2_LOSS, ls, LONG, yAt, n / 2);
            }
            if (gs != null) {
                MemorySegment.copy(buf, SCE2_G0, gs, LONG, x0At, n / 2);
                MemorySegment.copy(buf, SCE2_G1, gs, LONG, x1At, n / 2);
            }
        }
        return sum;
    }

    /**
     * Two classes, sweep A: e = exp(-|x0 - x1|) into row {@link #SCE2_E}. False at a NaN logit. A NaN logit makes
     * its e NaN, and so does an infinite larger logit, which is valid input; so the sweep adds up the e it makes
     * (one addition, where comparing both logits with themselves takes two comparisons and two mask operations per
     * vector) and looks at the logits themselves only when that sum is NaN. The labels are checked in sweep B.
     */
    private static boolean sce2Exp(MemorySegment xs, long x0At, long x1At, int n, long[] buf) {
        FloatVector eSum = FloatVector.zero(S);
        for (int at = 0; at < n / 2; at += L / 2) {
            FloatVector x0 = FloatVector.fromMemorySegment(S, xs, x0At + at * 8L, Simd.ORDER);
            FloatVector x1 = FloatVector.fromMemorySegment(S, xs, x1At + at * 8L, Simd.ORDER);
            // the larger logit by compare and blend: Java's NaN-propagating max costs five instructions on x86
            FloatVector m = x1.blend(x0, x0.compare(VectorOperators.GE, x1));
            // m - m is NaN where the larger logit is infinite, as exp(m - m) is in the log-sum-exp: the pixel's
            // loss and gradient are then NaN, as the scalar kernel's, instead of finite
            FloatVector e = VectorMath.exp(m.sub(m).sub(x0.sub(x1).abs()));
            eSum = eSum.add(e);
            e.reinterpretAsLongs().intoArray(buf, SCE2_E + at);
        }
        return !eSum.test(VectorOperators.IS_NAN).anyTrue() || !anyNaN(xs, x0At, n) && !anyNaN(xs, x1At, n);
    }

    /** Whether one of the {@code n} floats from byte offset {@code at}, a whole number of vectors, is NaN. */
    private static boolean anyNaN(MemorySegment xs, long at, int n) {
        VectorMask<Float> nan = S.maskAll(false);
        for (int j = 0; j < n; j += L) {
            nan = nan.or(FloatVector.fromMemorySegment(S, xs, at + j * 4L, Simd.ORDER).test(VectorOperators.IS_NAN));
        }
        return nan.anyTrue();
    }

    /**
     * Two classes, sweep B: the loss, the gradient (rows {@link #SCE2_G0}, {@link #SCE2_G1}) and the loss per pixel
     * ({@link #SCE2_LOSS}, when asked), from the staged e. log sum_c exp(x_c - m) = log1p(e); the larger logit's
     * probability is 1/(1 + e), the other's e/(1 + e). Returns the lane-summed loss of the sub-chunk, or NaN at a
     * label that is neither 0, 1 nor ignored (the loss itself may be NaN too: see {@link #sce2Exp}).
     */
    private static float sce2Rest(MemorySegment xs, MemorySegment ys, long x0At, long x1At, long yAt, int n,
                                  float[] w, float wSum, float ignore, float smoothing, float gradScale,
                                  boolean losses, long[] buf, float[] lanes) {
        float keep = 1f - smoothing;
        float sm = smoothing / 2;
        float w0 = w == null ? 1f : w[0];
        float w1 = w == null ? 1f : w[1];
        float coefConst = sm * wSum;
        float gKeep = gradScale * keep;
        float smooth0 = gradScale * sm * w0;
        float smooth1 = gradScale * sm * w1;
        // built here, not taken from a constant: a static final vector as the start of a loop-carried value, or
        // as one side of a vector chosen per iteration, makes C2 box the vector on every iteration
        FloatVector acc = FloatVector.zero(S);
        FloatVector w0v = FloatVector.broadcast(S, w0);
        VectorMask<Float> ok = S.maskAll(true);
        for (int at = 0; at < n / 2; at += L / 2) {
            long o = at * 8L;
            FloatVector x0 = FloatVector.fromMemorySegment(S, xs, x0At + o, Simd.ORDER);
            FloatVector x1 = FloatVector.fromMemorySegment(S, xs, x1At + o, Simd.ORDER);
            FloatVector y = FloatVector.fromMemorySegment(S, ys, yAt + o, Simd.ORDER);
            FloatVector e = LongVector.fromArray(S_LONG, buf, SCE2_E + at).reinterpretAsFloats();
            VectorMask<Float> ge = x0.compare(VectorOperators.GE, x1);
            VectorMask<Float> is1 = y.compare(VectorOperators.EQ, 1f);
            VectorMask<Float> skip = y.compare(VectorOperators.EQ, ignore);
            ok = ok.and(is1.or(skip).or(y.compare(VectorOperators.EQ, 0f)));
            FloatVector m = x1.blend(x0, ge);
            FloatVector lse = VectorMath.log1p(e);
            FloatVector wy = w0v.blend(w1, is1);
            FloatVector l = m.sub(x0.blend(x1, is1)).add(lse).mul(wy.mul(keep));
            if (smoothing != 0f) {
                FloatVector swd = m.sub(x0).mul(w0).add(m.sub(x1).mul(w1));
                l = l.add(lse.mul(wSum).add(swd).mul(sm));
            }
            l = l.blend(0f, skip);
            acc = acc.add(l);
            if (losses) {
                l.reinterpretAsLongs().intoArray(buf, SCE2_LOSS + at);
            }
            FloatVector big = V_ONE.div(e.add(V_ONE));
            FloatVector small = e.mul(big);
            FloatVector coef = wy.mul(keep).add(coefConst).mul(gradScale);
            FloatVector wyk = wy.mul(gKeep);
            FloatVector g0 = small.blend(big, ge).mul(coef).sub(wyk, is1.not());
            FloatVector g1 = big.blend(small, ge).mul(coef).sub(wyk, is1);
            if (smoothing != 0f) {
                g0 = g0.sub(smooth0);
                g1 = g1.sub(smooth1);
            }
            g0.blend(0f, skip).reinterpretAsLongs().intoArray(buf, SCE2_G0 + at);
            g1.blend(0f, skip).reinterpretAsLongs().intoArray(buf, SCE2_G1 + at);
        }
        if (!ok.allTrue()) {
            return Float.NaN;
        }
        acc.intoArray(lanes, 0);
        return Simd.sumLanes(lanes, 0);
    }

    /** Offset, in longs, of per-pixel row {@code k} in the softmax staging rows (after the C class rows). */
    private static int sceRow(int classes, int k) {
        return (classes + k) * (SCE_PASS / 2);
    }

    /**
     * Sweep A: per pixel the max logit (row {@link #SCE_M}), the label's logit and weight ({@link #SCE_XY},
     * {@link #SCE_WY}) and the skip flag ({@link #SCE_SKIP}: 1 for an ignored pixel), class row by class row.
     * False at a NaN logit or a label that is neither ignored nor in [0, classes).
     */
    private static boolean sceGather(MemorySegment xs, MemorySegment ys, int classes, long rowBytes, long xFirst,
                                     long yFirst, int n, float[] w, float ignore, long[] buf) {
        int mAt = sceRow(classes, SCE_M);
        int xyAt = sceRow(classes, SCE_XY);
        int wyAt = sceRow(classes, SCE_WY);
        int skipAt = sceRow(classes, SCE_SKIP);
        FloatVector zero = FloatVector.zero(S);
        FloatVector ones = FloatVector.broadcast(S, 1f);
        FloatVector negInf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        VectorMask<Float> bad = S.maskAll(false);
        for (int at = 0; at < n / 2; at += L / 2) {
            FloatVector y = FloatVector.fromMemorySegment(S, ys, yFirst + at * 8L, Simd.ORDER);
            VectorMask<Float> ign = y.compare(VectorOperators.EQ, ignore);
            FloatVector m = negInf;
            FloatVector xy = zero;
            FloatVector wy = w == null ? ones : zero;
            VectorMask<Float> hit = S.maskAll(false);
            VectorMask<Float> nan = S.maskAll(false);
            long off = xFirst + at * 8L;
            for (int c = 0; c < classes; c++, off += rowBytes) {
                FloatVector x = FloatVector.fromMemorySegment(S, xs, off, Simd.ORDER);
                // the max by compare and blend (Java's NaN-propagating max costs five instructions on x86); a NaN
                // is caught by its own mask
                m = m.blend(x, x.compare(VectorOperators.GT, m));
                nan = nan.or(x.compare(VectorOperators.NE, x));
                VectorMask<Float> isC = y.compare(VectorOperators.EQ, (float) c);
                hit = hit.or(isC);
                xy = xy.blend(x, isC);
                if (w != null) {
                    wy = wy.blend(w[c], isC);
                }
            }
            bad = bad.or(nan).or(hit.or(ign).not());
            m.reinterpretAsLongs().intoArray(buf, mAt + at);
            xy.reinterpretAsLongs().intoArray(buf, xyAt + at);
            wy.reinterpretAsLongs().intoArray(buf, wyAt + at);
            zero.blend(ones, hit.not().or(ign)).reinterpretAsLongs().intoArray(buf, skipAt + at);
        }
        return !bad.anyTrue();
    }

    /**
     * Sweep B: exp(x - m) of every class into the class rows, its per-pixel sum ({@link #SCE_Z}) and, with
     * smoothing, the weighted sum of (m - x) ({@link #SCE_SWD}). Class row by class row, the per-pixel sums
     * kept in their rows: the inner loop over pixels is long and its iterations independent, which lets C2 unroll
     * it and the core overlap the exponentials of several vectors, where a loop over the few classes of one pixel
     * vector could not.
     */
    private static void sceExp(MemorySegment xs, int classes, long rowBytes, long xFirst, int n, float[] w,
                               float smoothing, long[] buf) {
        int mAt = sceRow(classes, SCE_M);
        int zAt = sceRow(classes, SCE_Z);
        int swdAt = sceRow(classes, SCE_SWD);
        long off = xFirst;
        for (int c = 0; c < classes; c++, off += rowBytes) {
            int row = c * (SCE_PASS / 2);
            float wc = w == null ? 1f : w[c];
            for (int at = 0; at < n / 2; at += L / 2) {
                FloatVector d = FloatVector.fromMemorySegment(S, xs, off + at * 8L, Simd.ORDER)
                        .sub(LongVector.fromArray(S_LONG, buf, mAt + at).reinterpretAsFloats());
                FloatVector e = VectorMath.exp(d);
                e.reinterpretAsLongs().intoArray(buf, row + at);
                FloatVector z = c == 0 ? e : LongVector.fromArray(S_LONG, buf, zAt + at).reinterpretAsFloats().add(e);
                z.reinterpretAsLongs().intoArray(buf, zAt + at);
                if (smoothing != 0f) {
                    FloatVector sw = c == 0 ? FloatVector.zero(S)
                            : LongVector.fromArray(S_LONG, buf, swdAt + at).reinterpretAsFloats();
                    sw.sub(d.mul(wc)).reinterpretAsLongs().intoArray(buf, swdAt + at);
                }
            }
        }
    }

    /**
     * Sweep C: the loss per pixel (into {@link #SCE_LOSS} when asked); returns the lane-summed loss of the
     * sub-chunk. The gradient's coefficient is left to {@link #sceCoef}: with it, this method grows past the node
     * count at which C2 stops inlining, and a vector handed to a call that is not inlined is boxed.
     */
    private static float sceLoss(int classes, int n, float wSum, float smoothing, boolean losses, long[] buf,
                                 float[] lanes) {
        int mAt = sceRow(classes, SCE_M);
        int xyAt = sceRow(classes, SCE_XY);
        int wyAt = sceRow(classes, SCE_WY);
        int skipAt = sceRow(classes, SCE_SKIP);
        int zAt = sceRow(classes, SCE_Z);
        int swdAt = sceRow(classes, SCE_SWD);
        int lossAt = sceRow(classes, SCE_LOSS);
        float keep = 1f - smoothing;
        float sm = smoothing / classes;
        FloatVector acc = FloatVector.zero(S);
        for (int at = 0; at < n / 2; at += L / 2) {
            FloatVector logZ = VectorMath.log(LongVector.fromArray(S_LONG, buf, zAt + at).reinterpretAsFloats());
            FloatVector wy = LongVector.fromArray(S_LONG, buf, wyAt + at).reinterpretAsFloats();
            FloatVector l = LongVector.fromArray(S_LONG, buf, mAt + at).reinterpretAsFloats()
                    .sub(LongVector.fromArray(S_LONG, buf, xyAt + at).reinterpretAsFloats()).add(logZ)
                    .mul(wy.mul(keep));
            if (smoothing != 0f) {
                l = l.add(logZ.mul(wSum).add(LongVector.fromArray(S_LONG, buf, swdAt + at).reinterpretAsFloats())
                        .mul(sm));
            }
            VectorMask<Float> skip = LongVector.fromArray(S_LONG, buf, skipAt + at).reinterpretAsFloats()
                    .compare(VectorOperators.NE, 0f);
            l = l.blend(0f, skip);
            acc = acc.add(l);
            if (losses) {
                l.reinterpretAsLongs().intoArray(buf, lossAt + at);
            }
        }
        acc.intoArray(lanes, 0);
        return Simd.sumLanes(lanes, 0);
    }

    /** Sweep D, with a gradient: its coefficient a((1-eps) w_y + eps/C W) / Z ({@link #SCE_COEF}). */
    private static void sceCoef(int classes, int n, float wSum, float smoothing, float gradScale, long[] buf) {
        int wyAt = sceRow(classes, SCE_WY);
        int zAt = sceRow(classes, SCE_Z);
        int coefAt = sceRow(classes, SCE_COEF);
        float keep = 1f - smoothing;
        float coefConst = smoothing / classes * wSum;
        for (int at = 0; at < n / 2; at += L / 2) {
            FloatVector wy = LongVector.fromArray(S_LONG, buf, wyAt + at).reinterpretAsFloats();
            FloatVector z = LongVector.fromArray(S_LONG, buf, zAt + at).reinterpretAsFloats();
            wy.mul(keep).add(coefConst).mul(gradScale).div(z).reinterpretAsLongs().intoArray(buf, coefAt + at);
        }
    }

    /**
     * Sweep E: grad_c = e_c coef - a(1-eps) w_y [c = y] - a eps/C w_c, 0 at skipped pixels, class row by class
     * row over the parked exp.
     */
    private static void sceGrad(MemorySegment ys, int classes, long yFirst, int n, float[] w, float smoothing,
                                float gradScale, long[] buf) {
        int wyAt = sceRow(classes, SCE_WY);
        int skipAt = sceRow(classes, SCE_SKIP);
        int coefAt = sceRow(classes, SCE_COEF);
        float gKeep = gradScale * (1f - smoothing);
        float gSmooth = gradScale * (smoothing / classes);
        for (int c = 0; c < classes; c++) {
            FloatVector fc = FloatVector.broadcast(S, (float) c);
            float smoothTerm = gSmooth * (w == null ? 1f : w[c]);
            int row = c * (SCE_PASS / 2);
            for (int at = 0; at < n / 2; at += L / 2) {
                FloatVector y = FloatVector.fromMemorySegment(S, ys, yFirst + at * 8L, Simd.ORDER);
                FloatVector g = LongVector.fromArray(S_LONG, buf, row + at).reinterpretAsFloats()
                        .mul(LongVector.fromArray(S_LONG, buf, coefAt + at).reinterpretAsFloats());
                g = g.sub(LongVector.fromArray(S_LONG, buf, wyAt + at).reinterpretAsFloats().mul(gKeep),
                        y.compare(VectorOperators.EQ, fc));
                if (smoothing != 0f) {
                    g = g.sub(smoothTerm);
                }
                VectorMask<Float> skip = LongVector.fromArray(S_LONG, buf, skipAt + at).reinterpretAsFloats()
                        .compare(VectorOperators.NE, 0f);
                g.blend(0f, skip).reinterpretAsLongs().intoArray(buf, row + at);
            }
        }
    }

    // ------------------------------------------------------------------ label weight sum

    static double softmaxLabelWeightSum(ComputePool pool, MemorySegment ys, long n, int classes, float[] w,
                                        float ignore) {
        long block = ScalarLosses.LABEL_BLOCK;
        int items = Math.toIntExact((n + block - 1) / block);
        return BlockSums.sum(pool, items, item -> {
            long from = item * block;
            long to = Math.min(n, from + block);
            long stop = from + (to - from) / L * L;
            double sum = labelWeightRun(ys, from, stop, classes, w, ignore);
            if (stop < to && !Double.isNaN(sum)) {
                sum += ScalarLosses.labelWeightRun(ys, stop, to, classes, w, ignore);
            }
            return sum;
        });
    }

    /**
     * Labels [from, to), a whole number of vectors: sum_c w_c n_c from the count n_c of each class's labels, which
     * is exact, where a running float sum of the weights would need flushing into a double every few vectors. One
     * sweep per class and one for the ignored labels, each a plain count held in a register: a lane equals at most
     * one of these values, so every label is valid when the counts add up to the number of labels. NaN otherwise.
     */
    private static double labelWeightRun(MemorySegment ys, long from, long to, int classes, float[] w,
                                         float ignore) {
        long counted = count(ys, from, to, ignore);
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            if (c == ignore) {
                continue; // this class's labels are the ignored ones, counted above
            }
            long n = count(ys, from, to, c);
            counted += n;
            sum += (w == null ? 1.0 : w[c]) * n;
        }
        return counted == to - from ? sum : Double.NaN;
    }

    /** How many of the labels [from, to), a whole number of vectors, equal {@code value}. */
    private static long count(MemorySegment ys, long from, long to, float value) {
        long n = 0;
        for (long i = from; i < to; i += L) {
            n += FloatVector.fromMemorySegment(S, ys, i * 4, Simd.ORDER).compare(VectorOperators.EQ, value)
                    .trueCount();
        }
        return n;
    }
}
