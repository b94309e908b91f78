package dev.pixelflow.deploy.demo;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.streams.data.SyntheticFrames;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.loss.ClassWeightEstimator;
import dev.pixelflow.simd.loss.ClassWeightRule;
import dev.pixelflow.simd.loss.ClassWeights;
import dev.pixelflow.simd.models.FcnSegmenter;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.optim.Optimizer;
import dev.pixelflow.simd.optim.Adam;
import dev.pixelflow.simd.train.Objectives;
import dev.pixelflow.simd.train.StepResult;
import dev.pixelflow.simd.train.Trainer;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The in-memory demo: trains an {@link FcnSegmenter} on {@link SyntheticFrames} through a {@link Trainer} and
 * prints the loss falling, with a progress line. Everything runs in this JVM on the pixelflow kernels.
 */
public final class InMemoryDemo {

    /** Demo settings; {@link #defaults()} gives a run of a few seconds on two cores. */
    public record Settings(int steps, int batch, int frameSize, int width, float learningRate, long seed) {
        public Settings {
            positive(steps, "steps");
            positive(batch, "batch");
            positive(width, "width");
            if (frameSize < 8 || frameSize % 4 != 0) {
                throw new IllegalArgumentException("frame size must be a multiple of 4 and >= 8 (the segmenter"
                        + " halves it twice), got " + frameSize);
            }
            if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
            }
        }

        public static Settings defaults() {
            return new Settings(300, 8, 48, 8, 0.01f, 42L);
        }

        private static void positive(int v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + v);
            }
        }
    }

    /** What the run measured. */
    public record Summary(float firstLoss, float lastLoss, float lastIoU, float lastPixelAccuracy,
                          double framesPerSecond, long workspaceAllocationsAfterFirstStep,
                          long workspaceAllocationsAtEnd) {
    }

    private static final float WEIGHT_CAP = 3f;

    private InMemoryDemo() {
    }

    public static Summary run(Settings s, Ops ops, PrintStream out, boolean interactive) {
        out.printf(Locale.ROOT, "pixelflow demo: online segmentation of small objects on clutter (in memory)%n");
        out.printf(Locale.ROOT, "  kernels: %s, %d compute threads%n", ops.description(), ops.threads());
        SyntheticFrames frames = new SyntheticFrames(s.frameSize(), s.seed());
        int n = s.frameSize();
        ClassWeights weights = estimateWeights(frames, s.batch(), n);
        float posWeight = weights.weight(1) / weights.weight(0);
        FcnSegmenter net = FcnSegmenter.builder().inChannels(1).classes(1).width(s.width()).depth(2).build();
        try (Model model = Model.create(net, s.seed() + 1);
             Optimizer adam = Adam.builder().build();
             Trainer<Tensor> trainer = Trainer.builder(model,
                     Objectives.binarySegmentation(BinaryCrossEntropy.builder().posWeight(weights).build()), adam)
                     .ops(ops).learningRate(s.learningRate()).clipGradientNorm(1.0).build();
             Tensor x = Tensor.zeros(s.batch(), 1, n, n);
             Tensor y = Tensor.zeros(s.batch(), 1, n, n)) {
            out.printf(Locale.ROOT, "  model: FcnSegmenter (U-Net, depth 2, width %d), %d parameters%n", s.width(),
                    model.parameterCount());
            out.printf(Locale.ROOT, "  training: %d steps of %d frames %dx%d, Adam lr %.3g, per-pixel BCE (mean),"
                    + " gradient norm clipped to 1%n", s.steps(), s.batch(), n, n, s.learningRate());
            out.printf(Locale.ROOT, "  class imbalance: objects are %.1f%% of the pixels; median-frequency weights"
                    + " (cap %.0f) give the object class pos_weight %.1f%n", 100 * weights.counts()[1]
                    / (weights.counts()[0] + weights.counts()[1]), WEIGHT_CAP, posWeight);
            Ewma loss = new Ewma(0.1);
            Ewma iou = new Ewma(0.1);
            Ewma acc = new Ewma(0.1);
            float first = Float.NaN;
            long allocAfterFirst = 0;
            long computeNanos = 0;
            long start = System.nanoTime();
            int every = Math.max(1, s.steps() / 10);
            for (int step = 1; step <= s.steps(); step++) {
                frames.next(x, y);
                long t0 = System.nanoTime();
                StepResult r = trainer.step(x, y);
                computeNanos += System.nanoTime() - t0;
                if (!r.applied()) {
                    throw new IllegalStateException("training diverged at step " + step + ": " + r.skipReason());
                }
                if (step == 1) {
                    first = (float) r.loss();
                    allocAfterFirst = trainer.nativeAllocations();
                }
                loss.add(r.loss());
                if (!Double.isNaN(r.metric("objectIoU"))) {
                    iou.add(r.metric("objectIoU"));
                }
                acc.add(r.metric("pixelAccuracy"));
                double fps = (double) step * s.batch() / ((System.nanoTime() - start) / 1e9);
                String line = String.format(Locale.ROOT, "  step %4d/%d  loss %.4f  object IoU %.3f  pixel acc %.3f"
                        + "  %6.0f frames/s  %s", step, s.steps(), loss.value(), iou.value(), acc.value(), fps,
                        bar(step, s.steps()));
                if (interactive) {
                    out.print("\r" + line);
                    if (step == s.steps()) {
                        out.println();
                    }
                } else if (step % every == 0 || step == 1) {
                    out.println(line);
                }
            }
            double fps = (double) s.steps() * s.batch() / (computeNanos / 1e9);
            Summary sum = new Summary(first, (float) loss.value(), (float) iou.value(), (float) acc.value(), fps,
                    allocAfterFirst, trainer.nativeAllocations());
            out.printf(Locale.ROOT, "result: loss %.4f -> %.4f (smoothed), object IoU %.3f, pixel accuracy %.3f, "
                    + "%.0f frames/s in training steps%n", sum.firstLoss(), sum.lastLoss(), sum.lastIoU(),
                    sum.lastPixelAccuracy(), sum.framesPerSecond());
            out.printf(Locale.ROOT, "memory: workspace native allocations after step 1: %d, at the end: %d (%s)%n",
                    sum.workspaceAllocationsAfterFirstStep(), sum.workspaceAllocationsAtEnd(),
                    sum.workspaceAllocationsAfterFirstStep() == sum.workspaceAllocationsAtEnd()
                            ? "no growth in steady state" : "GREW");
            return sum;
        }
    }

    /** Class weights from the masks of a few batches, as a stream would estimate them online. */
    private static ClassWeights estimateWeights(SyntheticFrames frames, int batch, int n) {
        ClassWeightEstimator estimator = ClassWeightEstimator.cumulative(2);
        try (Tensor x = Tensor.zeros(batch, 1, n, n); Tensor y = Tensor.zeros(batch, 1, n, n)) {
            for (int i = 0; i < 8; i++) {
                frames.next(x, y);
                estimator.add(y);
            }
        }
        return estimator.weights(ClassWeightRule.MEDIAN_FREQUENCY, WEIGHT_CAP);
    }

    private static String bar(int step, int steps) {
        int filled = (int) Math.round(20.0 * step / steps);
        return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "]";
    }

    /** Exponentially weighted moving average (the first value initialises it). */
    private static final class Ewma {
        private final double alpha;
        private double value = Double.NaN;

        Ewma(double alpha) {
            this.alpha = alpha;
        }

        void add(double v) {
            value = Double.isNaN(value) ? v : value + alpha * (v - value);
        }

        double value() {
            return value;
        }
    }
}
