package dev.pixelflow.bench;

import dev.pixelflow.simd.Conv2dSpec;
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
 * A 3x3, stride 1, padding 1 convolution layer on a batch of 16 through {@link Ops}: forward (with bias), input
 * gradient, and weight gradient plus bias gradient, on the Vector API and the scalar kernels with one and two
 * compute threads. Shapes are written {@code CINxCOUTxSIZE}: {@code 3x32x128} is a first layer (3 -> 32 channels
 * at 128x128), {@code 32x32x64} an inner one. Each of the three passes has
 * {@code macs = 16 * cout * size^2 * cin * 9} multiply-adds; GFLOP/s = 2 * macs / time.
 *
 * <p>The scalar passes take about a second each, so iterations are few and long.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvBenchmark {
    private static final int BATCH = 16;
    private static final Conv2dSpec SPEC = Conv2dSpec.of(1, 1);

    @Param({"vector", "scalar"})
    public String provider;

    @Param({"1", "2"})
    public int threads;

    @Param({"3x32x128", "32x32x64"})
    public String shape;

    private Ops ops;
    private Tensor x;
    private Tensor w;
    private Tensor b;
    private Tensor y;
    private Tensor dy;
    private Tensor dx;
    private Tensor dw;
    private Tensor db;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        int cin = Integer.parseInt(dims[0]);
        int cout = Integer.parseInt(dims[1]);
        int size = Integer.parseInt(dims[2]);
        ops = Ops.builder().provider(BenchInputs.provider(provider)).threads(threads).build();
        SplittableRandom r = new SplittableRandom(42);
        x = BenchInputs.random(r, BATCH, cin, size, size);
        w = BenchInputs.random(r, cout, cin, 3, 3);
        b = BenchInputs.random(r, cout);
        dy = BenchInputs.random(r, BATCH, cout, size, size);
        y = Tensor.zeros(BATCH, cout, size, size);
        dx = Tensor.zeros(BATCH, cin, size, size);
        dw = Tensor.zeros(cout, cin, 3, 3);
        db = Tensor.zeros(cout);
        selfCheck();
    }

    /**
     * Fails the trial when the vector kernels disagree with the scalar reference on the first two images of
     * this input (two, so that two threads take the batch-parallel path; the whole batch would take the scalar
     * reference several seconds per pass).
     */
    private void selfCheck() {
        Tensor x2 = x.slice(0, 2);
        Tensor dy2 = dy.slice(0, 2);
        int cin = x.dim(1);
        int cout = w.dim(0);
        long pixels = 2L * x.dim(2) * x.dim(3);
        try (Ops vector = Ops.builder().provider(Ops.Provider.VECTOR).threads(threads).build();
             Ops scalar = Ops.builder().provider(Ops.Provider.SCALAR).threads(2).build();
             Tensor yv = Tensor.zeros(y.slice(0, 2).shape()); Tensor ys = Tensor.zeros(yv.shape());
             Tensor dxv = Tensor.zeros(x2.shape()); Tensor dxs = Tensor.zeros(x2.shape());
             Tensor dwv = Tensor.zeros(dw.shape()); Tensor dws = Tensor.zeros(dw.shape());
             Tensor dbv = Tensor.zeros(cout); Tensor dbs = Tensor.zeros(cout)) {
            vector.conv2d(x2, w, b, SPEC, yv);
            scalar.conv2d(x2, w, b, SPEC, ys);
            same("forward", yv, ys, cin * 9);
            vector.conv2dBackwardData(dy2, w, SPEC, dxv);
            scalar.conv2dBackwardData(dy2, w, SPEC, dxs);
            same("backwardData", dxv, dxs, cout * 9);
            vector.conv2dBackwardWeight(x2, dy2, SPEC, dwv);
            scalar.conv2dBackwardWeight(x2, dy2, SPEC, dws);
            same("backwardWeight", dwv, dws, pixels);
            vector.conv2dBackwardBias(dy2, dbv);
            scalar.conv2dBackwardBias(dy2, dbs);
            same("backwardBias", dbv, dbs, pixels);
        }
    }

    private void same(String pass, Tensor v, Tensor s, long reduction) {
        float[] a = v.toArray();
        float[] e = s.toArray();
        float scale = 1f;
        for (float f : e) {
            scale = Math.max(scale, Math.abs(f));
        }
        // Inputs are in [-1, 1): float rounding of a sum of n products grows like sqrt(n).
        double tol = 1e-5 * Math.sqrt(reduction) * scale;
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - e[i]) <= tol)) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "vector conv %s %s differs from scalar at element %d: %s vs %s", pass, shape, i, a[i], e[i]));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ops.close();
        for (Tensor t : new Tensor[] {x, w, b, y, dy, dx, dw, db}) {
            t.close();
        }
    }

    @Benchmark
    public Tensor forward() {
        ops.conv2d(x, w, b, SPEC, y);
        return y;
    }

    @Benchmark
    public Tensor backwardData() {
        ops.conv2dBackwardData(dy, w, SPEC, dx);
        return dx;
    }

    /** Weight and bias gradients (the bias sum is about 1% of the time). */
    @Benchmark
    public Tensor backwardWeight() {
        ops.conv2dBackwardWeight(x, dy, SPEC, dw);
        ops.conv2dBackwardBias(dy, db);
        return dw;
    }
}
