package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.scalar.ScalarLosses;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loss kernels. Elements are computed in float lanes; lane sums are flushed into a double every
 * {@link #CHUNK} elements, so the float error does not grow with the tensor size.
 */
final class VectorLosses {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int CHUNK = 2048;

    private VectorLosses() {
    }

    static double bceWithLogits(MemorySegment xs, MemorySegment ys, MemorySegment ws, MemorySegment pws,
                                int batch, int channels, long inner, float gradScale, MemorySegment gs,
                                MemorySegment ls) {
        double total = 0;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                float p = pws == null ? 1f : pws.getAtIndex(F, c);
                long base = ((long) b * channels + c) * inner;
                long end = base + inner;
                long i = base;
                double sum = 0;
                while (end - i >= L) {
                    long stop = i + Math.min(CHUNK, (end - i) / L * L);
                    float part = run(xs, ys, ws, p, i, stop, gradScale, gs, ls);
                    if (Float.isNaN(part)) {
                        return Double.NaN;
                    }
                    sum += part;
                    i = stop;
                }
                if (i < end) {
                    double tail = ScalarLosses.bceRun(xs, ys, ws, p, i, end, gradScale, gs, ls);
                    if (Double.isNaN(tail)) {
                        return Double.NaN;
                    }
                    sum += tail;
                }
                total += sum;
            }
        }
        return total;
    }

    /** Elements [from, to), a whole number of vectors; NaN (nothing written for that vector) on invalid input. */
    private static float run(MemorySegment xs, MemorySegment ys, MemorySegment ws, float p, long from, long to,
                             float gradScale, MemorySegment gs, MemorySegment ls) {
        FloatVector acc = FloatVector.zero(S);
        for (long i = from; i < to; i += L) {
            FloatVector x = FloatVector.fromMemorySegment(S, xs, i * 4, Simd.ORDER);
            FloatVector y = FloatVector.fromMemorySegment(S, ys, i * 4, Simd.ORDER);
            FloatVector w = ws == null ? null : FloatVector.fromMemorySegment(S, ws, i * 4, Simd.ORDER);
            VectorMask<Float> ok = x.abs().compare(VectorOperators.LE, Float.MAX_VALUE)
                    .and(y.compare(VectorOperators.GE, 0f)).and(y.compare(VectorOperators.LE, 1f));
            if (w != null) {
                ok = ok.and(w.compare(VectorOperators.GE, 0f)).and(w.compare(VectorOperators.LE, Float.MAX_VALUE));
            }
            if (!ok.allTrue()) {
                return Float.NaN;
            }
            FloatVector e = x.abs().neg().lanewise(VectorOperators.EXP);
            FloatVector softplusNeg = e.lanewise(VectorOperators.LOG1P).add(x.neg().max(0f));
            // (1-y)*x + (1+(p-1)*y)*softplusNeg
            FloatVector l = y.neg().add(1f).mul(x).add(y.mul(p - 1f).add(1f).mul(softplusNeg));
            if (w != null) {
                l = l.mul(w);
            }
            acc = acc.add(l);
            if (ls != null) {
                l.intoMemorySegment(ls, i * 4, Simd.ORDER);
            }
            if (gs != null) {
                FloatVector onePlusE = e.add(1f);
                FloatVector num = FloatVector.broadcast(S, 1f).blend(e, x.compare(VectorOperators.LT, 0f));
                FloatVector sig = num.div(onePlusE);
                FloatVector py = y.mul(p);
                FloatVector g = py.sub(y).add(1f).mul(sig).sub(py);
                g = w == null ? g.mul(gradScale) : g.mul(w.mul(gradScale));
                g.intoMemorySegment(gs, i * 4, Simd.ORDER);
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
