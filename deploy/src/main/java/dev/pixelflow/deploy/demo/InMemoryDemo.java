package dev.pixelflow.deploy.demo;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The in-memory demo: trains {@link TinySegmenter} on {@link SyntheticFrames} and prints the loss falling,
 * with a progress line. Everything runs in this JVM on the pixelflow kernels.
 */
public final class InMemoryDemo {

    /** Demo settings; {@link #defaults()} gives a run of a few seconds on two cores. */
    public record Settings(int steps, int batch, int frameSize, int width, float learningRate, float momentum,
                           long seed) {
        public Settings {
            positive(steps, "steps");
            positive(batch, "batch");
            positive(width, "width");
            if (frameSize < 8) {
                throw new IllegalArgumentException("frame size must be >= 8, got " + frameSize);
            }
            if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
        }

        public static Settings defaults() {
            return new Settings(300, 8, 48, 8, 0.5f, 0.9f, 42L);
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

    private InMemoryDemo() {
    }

    public static Summary run(Settings s, Ops ops, PrintStream out, boolean interactive) {
        out.printf(Locale.ROOT, "pixelflow demo: online segmentation of small objects on clutter (in memory)%n");
        out.printf(Locale.ROOT, "  kernels: %s, %d compute threads%n", ops.description(), ops.threads());
        SyntheticFrames frames = new SyntheticFrames(s.frameSize(), s.seed());
        int n = s.frameSize();
        try (TinySegmenter model = new TinySegmenter(ops, s.width(), s.seed() + 1);
             Tensor x = Tensor.zeros(s.batch(), 1, n, n);
             Tensor y = Tensor.zeros(s.batch(), 1, n, n)) {
            out.printf(Locale.ROOT, "  model: conv3x3(1->%d)+ReLU, conv3x3(%d->%d)+ReLU, conv1x1(%d->1), %d parameters%n",
                    s.width(), s.width(), s.width(), s.width(), model.parameterCount());
            out.printf(Locale.ROOT, "  training: %d steps of %d frames %dx%d, SGD lr %.2f momentum %.2f, "
                    + "per-pixel BCE (mean)%n", s.steps(), s.batch(), n, n, s.learningRate(), s.momentum());
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
                TinySegmenter.StepResult r = model.trainStep(x, y, s.learningRate(), s.momentum());
                computeNanos += System.nanoTime() - t0;
                if (!Float.isFinite(r.loss())) {
                    throw new IllegalStateException("training diverged at step " + step + ": loss " + r.loss());
                }
                if (step == 1) {
                    first = r.loss();
                    allocAfterFirst = model.workspace().nativeAllocations();
                }
                loss.add(r.loss());
                if (!Float.isNaN(r.objectIoU())) {
                    iou.add(r.objectIoU());
                }
                acc.add(r.pixelAccuracy());
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
                    allocAfterFirst, model.workspace().nativeAllocations());
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
