package dev.pixelflow.simd.internal.scalar;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.internal.ComputePool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reference activations, elementwise ops, reductions and pairwise distances. Transcendentals are evaluated in
 * double and rounded once, and reductions accumulate in double, so this side of every scalar-vs-vector
 * comparison is the accurate one.
 */
public final class ScalarPointwise {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ScalarPointwise() {
    }

    // ------------------------------------------------------------------ activations

    public static void activationForward(Activation f, MemorySegment x, MemorySegment y, long n) {
        switch (f.kind()) {
            case IDENTITY -> MemorySegment.copy(x, 0, y, 0, n * Float.BYTES);
            case RELU -> {
                for (long i = 0; i < n; i++) {
                    y.setAtIndex(F, i, relu(x.getAtIndex(F, i)));
                }
            }
            case LEAKY_RELU -> {
                float alpha = f.alpha();
                for (long i = 0; i < n; i++) {
                    y.setAtIndex(F, i, leakyRelu(x.getAtIndex(F, i), alpha));
                }
            }
            case SIGMOID -> {
                for (long i = 0; i < n; i++) {
                    y.setAtIndex(F, i, sigmoid(x.getAtIndex(F, i)));
                }
            }
            case TANH -> {
                for (long i = 0; i < n; i++) {
                    y.setAtIndex(F, i, (float) Math.tanh(x.getAtIndex(F, i)));
                }
            }
        }
    }

    public static void activationBackward(Activation f, MemorySegment x, MemorySegment y, MemorySegment dy,
                                          MemorySegment dx, long n) {
        switch (f.kind()) {
            case IDENTITY -> MemorySegment.copy(dy, 0, dx, 0, n * Float.BYTES);
            case RELU -> {
                // PyTorch's threshold_backward: the gradient is dropped where x <= 0, so relu'(0) = 0.
                for (long i = 0; i < n; i++) {
                    dx.setAtIndex(F, i, x.getAtIndex(F, i) <= 0f ? 0f : dy.getAtIndex(F, i));
                }
            }
            case LEAKY_RELU -> {
                float alpha = f.alpha();
                for (long i = 0; i < n; i++) {
                    float d = dy.getAtIndex(F, i);
                    dx.setAtIndex(F, i, x.getAtIndex(F, i) > 0f ? d : d * alpha);
                }
            }
            case SIGMOID -> {
                for (long i = 0; i < n; i++) {
                    float s = y.getAtIndex(F, i);
                    dx.setAtIndex(F, i, dy.getAtIndex(F, i) * (s * (1f - s)));
                }
            }
            case TANH -> {
                for (long i = 0; i < n; i++) {
                    float t = y.getAtIndex(F, i);
                    dx.setAtIndex(F, i, dy.getAtIndex(F, i) * (1f - t * t));
                }
            }
        }
    }

    /** max(x, 0); NaN stays NaN. */
    public static float relu(float x) {
        return Math.max(x, 0f);
    }

    /** PyTorch's leaky ReLU: x for x &gt; 0, alpha * x otherwise (NaN stays NaN). */
    public static float leakyRelu(float x, float alpha) {
        return x > 0f ? x : x * alpha;
    }

    /**
     * 1 / (1 + exp(-x)) in the form that never overflows: with e = exp(-|x|) in (0, 1], the result is 1/(1+e)
     * for x &gt;= 0 and e/(1+e) otherwise, so large |x| gives exactly 0 or 1 and small results keep their
     * relative accuracy.
     */
    public static float sigmoid(float x) {
        double e = Math.exp(-Math.abs((double) x));
        double s = 1.0 / (1.0 + e);
        return (float) (x >= 0f ? s : e * s);
    }

    // ------------------------------------------------------------------ elementwise

    public static void add(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(F, i, a.getAtIndex(F, i) + b.getAtIndex(F, i));
        }
    }

    public static void sub(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(F, i, a.getAtIndex(F, i) - b.getAtIndex(F, i));
        }
    }

    public static void mul(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(F, i, a.getAtIndex(F, i) * b.getAtIndex(F, i));
        }
    }

    public static void scale(MemorySegment a, float s, MemorySegment out, long n) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(F, i, s * a.getAtIndex(F, i));
        }
    }

    public static void axpy(float alpha, MemorySegment x, MemorySegment y, long n) {
        for (long i = 0; i < n; i++) {
            y.setAtIndex(F, i, y.getAtIndex(F, i) + alpha * x.getAtIndex(F, i));
        }
    }

    public static void addChannelBias(MemorySegment x, MemorySegment bias, int batch, int channels, int inner) {
        long at = 0;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                float v = bias.getAtIndex(F, c);
                for (int i = 0; i < inner; i++, at++) {
                    x.setAtIndex(F, at, x.getAtIndex(F, at) + v);
                }
            }
        }
    }

    // ------------------------------------------------------------------ reductions

    public static float sum(MemorySegment a, long n) {
        double acc = 0;
        for (long i = 0; i < n; i++) {
            acc += a.getAtIndex(F, i);
        }
        return (float) acc;
    }

    public static float dot(MemorySegment a, MemorySegment b, long n) {
        double acc = 0;
        for (long i = 0; i < n; i++) {
            acc += (double) a.getAtIndex(F, i) * b.getAtIndex(F, i);
        }
        return (float) acc;
    }

    public static float sumOfSquares(MemorySegment a, long n) {
        double acc = 0;
        for (long i = 0; i < n; i++) {
            double v = a.getAtIndex(F, i);
            acc += v * v;
        }
        return (float) acc;
    }

    public static float max(MemorySegment a, long n) {
        assert n >= 1;
        float m = Float.NEGATIVE_INFINITY;
        for (long i = 0; i < n; i++) {
            m = Math.max(m, a.getAtIndex(F, i)); // Math.max propagates NaN
        }
        return m;
    }

    public static float min(MemorySegment a, long n) {
        assert n >= 1;
        float m = Float.POSITIVE_INFINITY;
        for (long i = 0; i < n; i++) {
            m = Math.min(m, a.getAtIndex(F, i));
        }
        return m;
    }

    // ------------------------------------------------------------------ distances

    public static void pairwiseSquaredDistances(ComputePool pool, MemorySegment x, int n, MemorySegment y, int m,
                                                int d, MemorySegment out) {
        pool.parallelFor(n, (from, to) -> {
            for (int i = from; i < to; i++) {
                long xRow = (long) i * d;
                for (int j = 0; j < m; j++) {
                    long yRow = (long) j * d;
                    double acc = 0;
                    for (int k = 0; k < d; k++) {
                        double diff = (double) x.getAtIndex(F, xRow + k) - y.getAtIndex(F, yRow + k);
                        acc += diff * diff;
                    }
                    out.setAtIndex(F, (long) i * m + j, (float) acc);
                }
            }
        });
    }
}
