package dev.pixelflow.bench;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.norm.NormScope;
import dev.pixelflow.simd.norm.NormStats;
import dev.pixelflow.simd.norm.Normalizer;
import dev.pixelflow.simd.norm.NormalizerSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-channel ({@link NormScope#PER_CHANNEL}: one statistics group per image and channel) z-score, min-max
 * and 5%/95% quantile normalization through {@link Normalizer#apply(Tensor, Tensor)} on {@code [16,1,512,512]}
 * and {@code [16,3,128,128]} batches: statistics plus the affine transform into a separate output tensor, on
 * the Vector API kernels and on the scalar reference kernels ({@link Ops.Provider}). Z-score and min-max read
 * the input twice (statistics, transform; with these 16 or 48 groups the second read follows each group's
 * statistics, from cache) and write the output once; quantile adds a copy and a sort per group.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class NormalizerBenchmark {

    @Param({"zscore", "minmax", "quantile"})
    public String method;

    @Param({"vector", "scalar"})
    public String provider;

    @Param({"16x1x512x512", "16x3x128x128"})
    public String shape;

    private Normalizer normalizer;
    private Tensor in;
    private Tensor out;

    @Setup(Level.Trial)
    public void setUp() {
        String[] d = shape.split("x");
        int[] dims = Arrays.stream(d).mapToInt(Integer::parseInt).toArray();
        SplittableRandom r = new SplittableRandom(42);
        in = BenchInputs.random(r, dims);
        out = Tensor.zeros(dims);
        NormalizerSpec spec = switch (method) {
            case "zscore" -> NormalizerSpec.zScore(NormScope.PER_CHANNEL);
            case "minmax" -> NormalizerSpec.minMax(NormScope.PER_CHANNEL);
            case "quantile" -> NormalizerSpec.quantile(NormScope.PER_CHANNEL);
            default -> throw new IllegalArgumentException("method must be zscore, minmax or quantile, got " + method);
        };
        Ops.Provider p = switch (provider) {
            case "vector" -> Ops.Provider.VECTOR;
            case "scalar" -> Ops.Provider.SCALAR;
            default -> throw new IllegalArgumentException("provider must be vector or scalar, got " + provider);
        };
        normalizer = Normalizer.of(spec, p);
        selfCheck(dims[2] * dims[3]);
    }

    /** Recomputes the statistics of the first plane (image 0, channel 0) directly and compares. */
    private void selfCheck(int plane) {
        double[] v = new double[plane];
        for (int i = 0; i < plane; i++) {
            v[i] = in.getFlat(i);
        }
        double shift;
        double scale;
        if (method.equals("zscore")) {
            double mean = Arrays.stream(v).sum() / plane;
            double ss = 0;
            for (double x : v) {
                ss += (x - mean) * (x - mean);
            }
            shift = mean;
            scale = Math.sqrt(ss / plane);
        } else if (method.equals("minmax")) {
            shift = Arrays.stream(v).min().orElseThrow();
            scale = Arrays.stream(v).max().orElseThrow() - shift;
        } else {
            Arrays.sort(v);
            shift = quantile(v, 0.05);
            scale = quantile(v, 0.95) - shift;
        }
        NormStats stats = normalizer.apply(in, out);
        if (!(Math.abs(stats.shift(0) - shift) <= 1e-6 && Math.abs(stats.scale(0) - scale) <= 1e-6)) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s %s %s: statistics (%s, %s), reference (%s, %s)", method, provider, shape,
                    stats.shift(0), stats.scale(0), shift, scale));
        }
        double y = (in.getFlat(0) - shift) / scale;
        if (!(Math.abs(out.getFlat(0) - y) <= 1e-4)) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s %s %s: output %s, reference %s", method, provider, shape, out.getFlat(0), y));
        }
    }

    /** numpy's default (linear) quantile of sorted values. */
    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        in.close();
        out.close();
    }

    @Benchmark
    public Tensor apply() {
        normalizer.apply(in, out);
        return out;
    }
}
