package dev.pixelflow.bench;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.ComputePool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * The memory-bandwidth yardstick of the loss benchmarks: the least traffic of a loss and gradient call, moved
 * with as little arithmetic as possible, on tensors of the same shapes, with the same thread pool and in the same
 * JMH run as {@link BceBenchmark} and {@link SoftmaxCrossEntropyBenchmark}. A loss's share of the machine's
 * bandwidth is then this benchmark's time divided by the loss's, both measured minutes apart, instead of a
 * figure noted on another day or another machine (on a shared VM the reachable bandwidth moves by tens of percent
 * over a day, and tensors of 20-50 MB sit partly in a large L3 cache).
 *
 * <p>{@code traffic} names the loss and its shape:
 * <ul>
 *   <li>{@code bce:BxCxHxW}: reads logits and targets, writes the gradient, B*C*H*W floats each (12 bytes per
 *       element);</li>
 *   <li>{@code sce:BxCxHxW}: per image reads the C logit rows and the label row, writes the C gradient rows,
 *       H*W floats each (4(2C + 1) bytes per pixel).</li>
 * </ul>
 * Each output row is a {@link MemorySegment#copy} of an input row (the JDK's bulk copy) and the rest of the
 * inputs (targets or labels) are summed with vector loads, interleaved in chunks of {@value #CHUNK} floats per
 * row so that all streams are in flight together, as in the loss kernels.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MemoryTrafficBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Floats per row and step; also the unit of work handed to the pool. */
    private static final int CHUNK = 2048;

    /** The loss benchmarks' shapes, and one 768 MB case that no cache holds: the DRAM bandwidth. */
    @Param({"bce:16x1x512x512", "bce:16x3x128x128", "sce:16x2x256x256", "sce:16x5x128x128",
            "sce:16x3x128x128", "bce:16x4x1024x1024"})
    public String traffic;

    /** Threads of the pool, as in the loss benchmarks. */
    @Param({"1", "2"})
    public int threads;

    private Tensor logits;
    private Tensor labels;
    private Tensor grad;
    private ComputePool pool;
    private int images;
    private int rows;
    private long rowFloats;
    private int chunksPerImage;

    @Setup(Level.Trial)
    public void setUp() {
        String[] kindAndShape = traffic.split(":");
        String[] d = kindAndShape[1].split("x");
        int b = Integer.parseInt(d[0]);
        int c = Integer.parseInt(d[1]);
        long spatial = (long) Integer.parseInt(d[2]) * Integer.parseInt(d[3]);
        switch (kindAndShape[0]) {
            case "bce" -> { // one row of inputs, targets and outputs per image: B*C*H*W floats each
                rows = 1;
                rowFloats = c * spatial;
            }
            case "sce" -> { // C logit and gradient rows and one label row per image
                rows = c;
                rowFloats = spatial;
            }
            default -> throw new IllegalArgumentException("traffic must be bce:BxCxHxW or sce:BxCxHxW, got "
                    + traffic);
        }
        images = b;
        SplittableRandom r = new SplittableRandom(42);
        int side = Math.toIntExact(rowFloats);
        logits = BenchInputs.random(r, b, rows, side);
        labels = BenchInputs.random(r, b, side);
        grad = Tensor.zeros(b, rows, side);
        chunksPerImage = Math.toIntExact((rowFloats + CHUNK - 1) / CHUNK);
        pool = ComputePool.shared(threads);
        move();
        if (logits.segment().mismatch(grad.segment()) != -1) {
            throw new IllegalStateException(traffic + ": the copied rows differ from the inputs");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        logits.close();
        labels.close();
        grad.close();
    }

    /** Copies every logit row into the gradient and sums the labels: the loss call's traffic. */
    @Benchmark
    public double move() {
        MemorySegment xs = logits.segment();
        MemorySegment ys = labels.segment();
        MemorySegment gs = grad.segment();
        DoubleAdder sum = new DoubleAdder();
        int items = images * chunksPerImage;
        pool.parallelFor(items, (from, to) -> {
            double part = 0;
            for (int item = from; item < to; item++) {
                long b = item / chunksPerImage;
                long s0 = (long) (item % chunksPerImage) * CHUNK;
                int n = (int) Math.min(CHUNK, rowFloats - s0);
                for (int c = 0; c < rows; c++) {
                    long off = ((b * rows + c) * rowFloats + s0) * 4;
                    MemorySegment.copy(xs, off, gs, off, n * 4L);
                }
                part += sum(ys, (b * rowFloats + s0) * 4, n);
            }
            sum.add(part);
        });
        return sum.sum();
    }

    private static float sum(MemorySegment ys, long first, int n) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j + S.length() <= n; j += S.length()) {
            acc = acc.add(FloatVector.fromMemorySegment(S, ys, first + j * 4L, ByteOrder.nativeOrder()));
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            s += ys.getAtIndex(F, first / 4 + j);
        }
        return s;
    }
}
