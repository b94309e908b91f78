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
 * {@link SoftmaxCrossEntropy} (unweighted, {@code MEAN}) on logits {@code [16,2,256,256]}, {@code [16,5,128,128]}
 * and {@code [16,3,128,128]} with uniform random class labels, on the vector and the scalar kernels (all cores):
 * the fused {@link SoftmaxCrossEntropy#forward} that returns the loss and writes the gradient in one pass (what a
 * training step needs), and the loss alone. The gradient tensor is allocated once in the setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SoftmaxCrossEntropyBenchmark {

    @Param({"vector", "scalar"})
    public String provider;

    /** Compute threads of the loss (its shared pool); PyTorch is measured with 1 and 2 as well. */
    @Param({"1", "2"})
    public int threads;

    @Param({"16x2x256x256", "16x5x128x128", "16x3x128x128"})
    public String shape;

    private SoftmaxCrossEntropy loss;
    private Tensor logits;
    private Tensor labels;
    private Tensor grad;

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
        grad = Tensor.zeros(b, c, h, w);
        loss = SoftmaxCrossEntropy.builder().provider(BenchInputs.provider(provider)).threads(threads).build();
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
        double got = loss.forward(logits, labels, grad, null);
        if (!(Math.abs(got - expected) <= 1e-6 * Math.max(1, Math.abs(expected)))) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "cross-entropy %s: value %s, reference %s", shape, got, expected));
        }
        for (int s = 0; s < Math.min(spatial, 1000); s++) {
            double row = 0;
            for (int k = 0; k < c; k++) {
                row += grad.getFlat((long) k * spatial + s);
            }
            if (!(Math.abs(row) <= 1e-9)) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "cross-entropy %s: gradient of pixel %d sums to %s, not 0", shape, s, row));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        logits.close();
        labels.close();
        grad.close();
    }

    /** Loss and gradient in one call. */
    @Benchmark
    public float forward() {
        return loss.forward(logits, labels, grad, null);
    }

    /** The loss alone (no gradient written). */
    @Benchmark
    public float lossOnly() {
        return loss.forward(logits, labels, null, null);
    }
}
