package dev.pixelflow.bench;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.loss.Reduction;
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
 * Binary cross-entropy on logits, loss and gradient in one call ({@code MEAN}, per-channel pos_weight), on the
 * Vector API and the scalar kernels, for a segmentation-sized {@code 16x1x512x512} and a {@code 16x3x128x128}
 * batch. Shapes are written {@code BxCxHxW}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BceBenchmark {

    @Param({"vector", "scalar"})
    public String provider;

    /** Compute threads of the loss (its shared pool); PyTorch is measured with 1 and 2 as well. */
    @Param({"1", "2"})
    public int threads;

    @Param({"16x1x512x512", "16x3x128x128"})
    public String shape;

    private BinaryCrossEntropy loss;
    private Tensor logits;
    private Tensor target;
    private Tensor grad;

    @Setup(Level.Trial)
    public void setUp() {
        String[] d = shape.split("x");
        int[] dims = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            dims[i] = Integer.parseInt(d[i]);
        }
        float[] pos = new float[dims[1]];
        java.util.Arrays.fill(pos, 2f);
        loss = build(provider, pos);
        SplittableRandom r = new SplittableRandom(42);
        logits = Tensor.zeros(dims);
        target = Tensor.zeros(dims);
        grad = Tensor.zeros(dims);
        float[] x = new float[(int) logits.size()];
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((r.nextDouble() * 2 - 1) * 6);
            y[i] = r.nextInt(4) == 0 ? 1f : 0f;
        }
        logits.copyFrom(x);
        target.copyFrom(y);
        selfCheck(pos);
    }

    private BinaryCrossEntropy build(String provider, float[] pos) {
        return BinaryCrossEntropy.builder().reduction(Reduction.MEAN).posWeight(pos)
                .provider(BenchInputs.provider(provider)).threads(threads).build();
    }

    /** Fails the trial when the vector kernels disagree with the scalar reference on this very input. */
    private void selfCheck(float[] pos) {
        try (Tensor gv = Tensor.zeros(logits.shape());
             Tensor gs = Tensor.zeros(logits.shape())) {
            float lv = build("vector", pos).forward(logits, target, null, null, gv, null);
            float ls = build("scalar", pos).forward(logits, target, null, null, gs, null);
            if (!(Math.abs(lv - ls) <= 1e-5 * (1 + Math.abs(ls)))) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "vector bce %s differs from scalar: %s vs %s", shape, lv, ls));
            }
            double tol = 2e-5 * (1 + 2f) / logits.size();
            for (long i = 0; i < gv.size(); i++) {
                float v = gv.getFlat(i);
                float s = gs.getFlat(i);
                if (!(Math.abs(v - s) <= tol)) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "vector bce gradient %s differs from scalar at element %d: %s vs %s", shape, i, v, s));
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        logits.close();
        target.close();
        grad.close();
    }

    @Benchmark
    public float forwardBackward() {
        return loss.forward(logits, target, null, null, grad, null);
    }
}
