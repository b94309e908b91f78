package dev.pixelflow.bench;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.SoftmaxCrossEntropy;
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
 * {@link SoftmaxCrossEntropy} (defaults: unweighted, {@code MEAN}) on logits {@code [16,2,256,256]} and
 * {@code [16,5,128,128]} with uniform random class labels: the reduced value alone, and value plus gradient
 * (what a training step needs).
 *
 * <p>Single implementation: the loss is plain Java over memory segments and does not go through the
 * {@code Ops} kernel providers, so there is no vector/scalar pair here. The gradient allocates a new tensor
 * per call (closed inside the benchmark), as the API does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SoftmaxCrossEntropyBenchmark {

    @Param({"16x2x256x256", "16x5x128x128"})
    public String shape;

    private SoftmaxCrossEntropy loss;
    private Tensor logits;
    private Tensor labels;

    @Setup(Level.Trial)
    public void setUp() {
        String[] d = shape.split("x");
        int b = Integer.parseInt(d[0]);
        int c = Integer.parseInt(d[1]);
        int h = Integer.parseInt(d[2]);
        int w = Integer.parseInt(d[3]);
        SplittableRandom r = new SplittableRandom(42);
        logits = BenchInputs.random(r, b, c, h, w);
        float[] y = new float[b * h * w];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextInt(c);
        }
        labels = Tensor.of(y, b, h, w);
        loss = SoftmaxCrossEntropy.defaults();
        selfCheck(b, c, h * w, y);
    }

    /** Compares the value with a direct double-precision evaluation and checks that gradient rows sum to 0. */
    private void selfCheck(int b, int c, int spatial, float[] y) {
        double sum = 0;
        for (int n = 0; n < b; n++) {
            for (int s = 0; s < spatial; s++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    max = Math.max(max, logits.getFlat(((long) n * c + k) * spatial + s));
                }
                double z = 0;
                for (int k = 0; k < c; k++) {
                    z += Math.exp(logits.getFlat(((long) n * c + k) * spatial + s) - max);
                }
                int label = (int) y[n * spatial + s];
                sum += -(logits.getFlat(((long) n * c + label) * spatial + s) - max - Math.log(z));
            }
        }
        double expected = sum / ((double) b * spatial);
        double got = loss.value(logits, labels);
        if (!(Math.abs(got - expected) <= 1e-6 * Math.max(1, Math.abs(expected)))) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "cross-entropy %s: value %s, reference %s", shape, got, expected));
        }
        try (Tensor g = loss.gradient(logits, labels)) {
            for (int s = 0; s < Math.min(spatial, 1000); s++) {
                double row = 0;
                for (int k = 0; k < c; k++) {
                    row += g.getFlat((long) k * spatial + s);
                }
                if (!(Math.abs(row) <= 1e-9)) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "cross-entropy %s: gradient of pixel %d sums to %s, not 0", shape, s, row));
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        logits.close();
        labels.close();
    }

    @Benchmark
    public double value() {
        return loss.value(logits, labels);
    }

    @Benchmark
    public double valueAndGradient() {
        double v = loss.value(logits, labels);
        try (Tensor g = loss.gradient(logits, labels)) {
            return v + g.getFlat(0);
        }
    }
}
