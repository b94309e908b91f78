package dev.pixelflow.bench;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
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
 * {@code C = A * B} through {@link Ops#gemm} for the square 512^3 product and the convolution-as-GEMM shape
 * 64 x 576 x 4096 (64 output channels, 64 input channels x 3x3 taps, a 64x64 image), on the Vector API and the
 * scalar kernels with one and two compute threads. Shapes are written {@code MxKxN}; GFLOP/s = 2*M*K*N / time.
 *
 * <p>The scalar 512^3 product takes about a quarter of a second per call, so iterations are few and long.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {

    @Param({"vector", "scalar"})
    public String provider;

    @Param({"1", "2"})
    public int threads;

    @Param({"512x512x512", "64x576x4096"})
    public String shape;

    private Ops ops;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        int m = Integer.parseInt(dims[0]);
        int k = Integer.parseInt(dims[1]);
        int n = Integer.parseInt(dims[2]);
        ops = Ops.builder().provider(BenchInputs.provider(provider)).threads(threads).build();
        SplittableRandom r = new SplittableRandom(42);
        a = BenchInputs.random(r, m, k);
        b = BenchInputs.random(r, k, n);
        c = Tensor.zeros(m, n);
        selfCheck(m, n, k);
    }

    /** Fails the trial when the vector kernels disagree with the scalar reference on this very input. */
    private void selfCheck(int m, int n, int k) {
        try (Ops vector = Ops.builder().provider(Ops.Provider.VECTOR).threads(threads).build();
             Ops scalar = Ops.builder().provider(Ops.Provider.SCALAR).threads(threads).build();
             Tensor cv = Tensor.zeros(m, n);
             Tensor cs = Tensor.zeros(m, n)) {
            vector.gemm(false, false, 1f, a, b, 0f, cv);
            scalar.gemm(false, false, 1f, a, b, 0f, cs);
            // Inputs are in [-1, 1): a sum of k products has rounding error well under 1e-5 * k.
            double tol = 1e-5 * k;
            for (long i = 0; i < cv.size(); i++) {
                float v = cv.getFlat(i);
                float s = cs.getFlat(i);
                if (!(Math.abs(v - s) <= tol)) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "vector gemm %s differs from scalar at element %d: %s vs %s", shape, i, v, s));
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ops.close();
        a.close();
        b.close();
        c.close();
    }

    @Benchmark
    public Tensor gemm() {
        ops.gemm(false, false, 1f, a, b, 0f, c);
        return c;
    }
}
