package dev.pixelflow.bench;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.mining.BatchHardTripletLoss;
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
 * Metric-learning costs for N = 128 and 1024 embeddings of dimension 128, labels with K = 4 embeddings per
 * identity: {@link Ops#pairwiseSquaredDistances} (N x N, difference form) on the Vector API and the scalar
 * kernels with one thread, and {@link BatchHardTripletLoss} (Euclidean, margin 0.2, no normalization)
 * forward plus gradient.
 *
 * <p>Only the distance kernel has a vector/scalar pair. The batch-hard loss is a single plain-Java
 * implementation that does not use the {@code Ops} providers, so {@code batchHard} ignores
 * {@code provider} and its two rows measure the same code.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MiningBenchmark {
    private static final int DIM = 128;
    private static final int PER_IDENTITY = 4;

    @Param({"vector", "scalar"})
    public String provider;

    @Param({"128", "1024"})
    public int n;

    private Ops ops;
    private Tensor x;
    private Tensor dist;
    private Tensor grad;
    private int[] labels;
    private BatchHardTripletLoss loss;

    @Setup(Level.Trial)
    public void setUp() {
        ops = Ops.builder().provider(BenchInputs.provider(provider)).threads(1).build();
        SplittableRandom r = new SplittableRandom(42);
        x = BenchInputs.random(r, n, DIM);
        dist = Tensor.zeros(n, n);
        grad = Tensor.zeros(n, DIM);
        labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i / PER_IDENTITY;
        }
        loss = BatchHardTripletLoss.builder().margin(0.2).build();
        selfCheck();
    }

    /** Compares the distances with a direct double-precision evaluation; checks the loss is finite. */
    private void selfCheck() {
        ops.pairwiseSquaredDistances(x, x, dist);
        for (int i = 0; i < n; i += 7) {
            for (int j = 0; j < n; j += 5) {
                double s = 0;
                for (int k = 0; k < DIM; k++) {
                    double d = x.getFlat((long) i * DIM + k) - x.getFlat((long) j * DIM + k);
                    s += d * d;
                }
                float got = dist.getFlat((long) i * n + j);
                if (!(Math.abs(got - s) <= 1e-4 * Math.max(1, s))) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "%s pairwise distance (%d, %d) for n=%d: %s, reference %s", provider, i, j, n, got, s));
                }
            }
        }
        double l = loss.forward(x, labels, grad).loss();
        if (!(Double.isFinite(l) && l >= 0)) {
            throw new IllegalStateException("batch-hard loss is " + l);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ops.close();
        x.close();
        dist.close();
        grad.close();
    }

    @Benchmark
    public Tensor pairwiseDistances() {
        ops.pairwiseSquaredDistances(x, x, dist);
        return dist;
    }

    @Benchmark
    public double batchHard() {
        return loss.forward(x, labels, grad).loss();
    }
}
