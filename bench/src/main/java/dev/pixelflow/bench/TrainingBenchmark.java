package dev.pixelflow.bench;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.mining.BatchHardTripletLoss;
import dev.pixelflow.simd.models.EmbeddingNet;
import dev.pixelflow.simd.models.FcnSegmenter;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.optim.Adam;
import dev.pixelflow.simd.optim.Optimizer;
import dev.pixelflow.simd.train.Objectives;
import dev.pixelflow.simd.train.StepResult;
import dev.pixelflow.simd.train.Trainer;
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
 * Training steps of the default models, the same rows as {@code bench/peers/torch_train_peer.py}: one step is
 * forward + loss + backward + Adam update (lr 1e-3).
 * <ul>
 *   <li>{@code segmenter}: the default {@link FcnSegmenter} (U-Net, depth 2, width 16, 3 input channels, one
 *   logit), batch 16 of 3x128x128, BCE with logits (mean).
 *   <li>{@code embedder}: the default {@link EmbeddingNet} (widths 16, 32, 64, dimension 128, L2-normalized),
 *   batch 64 = 16 identities x 4 of 3x64x64, batch-hard triplet loss (Euclidean, margin 0.2).
 * </ul>
 * Frames per second = batch / step time. {@code threads} is the number of compute threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TrainingBenchmark {
    @Param({"1", "2"})
    public int threads;

    private Ops ops;
    private Model segModel;
    private Optimizer segAdam;
    private Trainer<Tensor> segTrainer;
    private Tensor segX;
    private Tensor segY;
    private Model embModel;
    private Optimizer embAdam;
    private Trainer<int[]> embTrainer;
    private Tensor embX;
    private int[] embLabels;

    @Setup(Level.Trial)
    public void setUp() {
        ops = Ops.builder().threads(threads).build();
        SplittableRandom r = new SplittableRandom(42);
        segModel = Model.create(FcnSegmenter.builder().build(), 1);
        segAdam = Adam.builder().build();
        segTrainer = Trainer.builder(segModel,
                Objectives.binarySegmentation(BinaryCrossEntropy.builder().threads(threads).build()), segAdam)
                .ops(ops).learningRate(1e-3).build();
        segX = BenchInputs.random(r, 16, 3, 128, 128);
        segY = Tensor.zeros(16, 1, 128, 128);
        for (long i = 0; i < segY.size(); i++) {
            segY.setFlat(i, r.nextDouble() < 0.1 ? 1f : 0f);
        }
        embModel = Model.create(EmbeddingNet.builder().build(), 2);
        embAdam = Adam.builder().build();
        embTrainer = Trainer.builder(embModel, Objectives.triplet(BatchHardTripletLoss.builder().margin(0.2).build()),
                embAdam).ops(ops).learningRate(1e-3).build();
        embX = BenchInputs.random(r, 64, 3, 64, 64);
        embLabels = new int[64];
        for (int i = 0; i < 64; i++) {
            embLabels[i] = i / 4;
        }
        check(segTrainer.step(segX, segY));
        check(embTrainer.step(embX, embLabels));
    }

    private static void check(StepResult r) {
        if (!r.applied() || !Double.isFinite(r.loss())) {
            throw new IllegalStateException("training step failed: " + r);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        segTrainer.close();
        segAdam.close();
        segModel.close();
        embTrainer.close();
        embAdam.close();
        embModel.close();
        segX.close();
        segY.close();
        embX.close();
        ops.close();
    }

    @Benchmark
    public StepResult segmenter() {
        return segTrainer.step(segX, segY);
    }

    @Benchmark
    public StepResult embedder() {
        return embTrainer.step(embX, embLabels);
    }
}
