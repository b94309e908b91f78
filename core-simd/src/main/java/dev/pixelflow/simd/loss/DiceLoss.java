package dev.pixelflow.simd.loss;

import static dev.pixelflow.simd.loss.MseLoss.F;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Soft Dice loss on logits, per image and class as MONAI's {@code DiceLoss} (smooth_nr = smooth_dr = 1e-5,
 * squared_pred false, batch false, reduction mean). Immutable and thread-safe; build with {@link #builder()}.
 *
 * <p>Layout: logits and target {@code [B, C, ...]} (usually NCHW {@code [B, C, H, W]}), target in [0, 1] (one-hot or
 * soft; {@link #forwardLabels} takes integer labels {@code [B, ...]} instead). Probabilities {@code p} are
 * {@code sigmoid(x)} per element ({@link Activation#SIGMOID}, multi-label/binary) or the softmax over the channel
 * dimension per pixel ({@link Activation#SOFTMAX}, multi-class). Per image {@code b} and class {@code c}, summing over
 * the pixels:
 * <pre>
 *   TP = sum p*y,  FP = sum p*(1-y),  FN = sum (1-p)*y
 *   L[b,c] = 1 - (2TP + s) / (2TP + FP + FN + s),   s = 1e-5 (settable)
 *   loss   = mean of L[b,c] over the images and the counted classes
 * </pre>
 * With {@code includeBackground(false)} class 0 is left out of the mean (MONAI {@code include_background=False}); for
 * softmax the softmax is still taken over all channels. Since {@code 2TP+FP+FN = sum p + sum y = D - s}, the gradient
 * with respect to the probabilities is {@code dL[b,c]/dp_i = N/D^2 - 2 y_i / D} ({@code N = 2TP + s}), chained through
 * the sigmoid ({@code p(1-p)}) or the softmax Jacobian to the logits, all in double. A class absent from both
 * prediction and target scores L = 0 thanks to s; an empty batch gives 0.
 */
public final class DiceLoss {

    /** How logits become probabilities. */
    public enum Activation {
        /** Per-element sigmoid (binary / multi-label). */
        SIGMOID,
        /** Softmax over the channel dimension (multi-class). */
        SOFTMAX
    }

    private final Activation activation;
    private final boolean includeBackground;
    private final double smooth;

    private DiceLoss(Builder b) {
        this.activation = b.activation;
        this.includeBackground = b.includeBackground;
        this.smooth = b.smooth;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Activation activation() {
        return activation;
    }

    public boolean includeBackground() {
        return includeBackground;
    }

    public double smooth() {
        return smooth;
    }

    /** The loss without gradient. */
    public float forward(Tensor logits, Tensor target) {
        return forward(logits, target, null);
    }

    /**
     * Computes the loss and its gradient.
     *
     * @param logits {@code [B, C, ...]} raw scores, finite
     * @param target same shape, values in [0, 1]
     * @param grad same shape, or null; overwritten with dLoss/dLogits
     * @return the mean Dice loss over images and counted classes
     * @throws IllegalArgumentException on a shape mismatch (naming the shapes), rank below 2, no counted class, a
     *     non-finite logit or a target outside [0, 1] (naming the position)
     */
    public float forward(Tensor logits, Tensor target, @Nullable Tensor grad) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(target, "target");
        if (logits.rank() < 2) {
            throw new IllegalArgumentException("DiceLoss: logits must be [B, C, ...] but is " + logits.shapeString());
        }
        MseLoss.checkSame("DiceLoss", "target", logits, target);
        if (grad != null) {
            MseLoss.checkSame("DiceLoss", "grad", logits, grad);
        }
        int[] shape = logits.shape();
        int batch = shape[0];
        int channels = shape[1];
        int first = includeBackground ? 0 : 1;
        if (channels - first < 1) {
            throw new IllegalArgumentException("DiceLoss: no class counted for logits " + logits.shapeString()
                    + " with includeBackground=" + includeBackground);
        }
        long spatial = logits.size() / ((long) batch * channels == 0 ? 1 : (long) batch * channels);
        MemorySegment xs = logits.segment();
        MemorySegment ys = target.segment();
        MemorySegment gs = grad == null ? null : grad.segment();
        long n = logits.size();
        for (long i = 0; i < n; i++) {
            float x = xs.getAtIndex(F, i);
            float y = ys.getAtIndex(F, i);
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("DiceLoss: logits must be finite but is " + x + " at "
                        + MseLoss.position(shape, i));
            }
            if (!(y >= 0f && y <= 1f)) {
                throw new IllegalArgumentException("DiceLoss: target must be in [0, 1] but is " + y + " at "
                        + MseLoss.position(shape, i));
            }
        }
        double[] sumP = new double[channels];
        double[] sumY = new double[channels];
        double[] sumPY = new double[channels];
        double[] num = new double[channels];
        double[] den = new double[channels];
        double scale = batch == 0 ? 0.0 : 1.0 / ((double) batch * (channels - first));
        double total = 0;
        for (int b = 0; b < batch; b++) {
            Arrays.fill(sumP, 0);
            Arrays.fill(sumY, 0);
            Arrays.fill(sumPY, 0);
            long imageBase = (long) b * channels * spatial;
            for (long j = 0; j < spatial; j++) {
                double max = Double.NEGATIVE_INFINITY;
                double z = 0;
                if (activation == Activation.SOFTMAX) {
                    for (int c = 0; c < channels; c++) {
                        max = Math.max(max, xs.getAtIndex(F, imageBase + c * spatial + j));
                    }
                    for (int c = 0; c < channels; c++) {
                        z += Math.exp(xs.getAtIndex(F, imageBase + c * spatial + j) - max);
                    }
                }
                for (int c = 0; c < channels; c++) {
                    long i = imageBase + c * spatial + j;
                    double p = prob(xs.getAtIndex(F, i), max, z);
                    double y = ys.getAtIndex(F, i);
                    sumP[c] += p;
                    sumY[c] += y;
                    sumPY[c] += p * y;
                }
            }
            for (int c = first; c < channels; c++) {
                num[c] = 2 * sumPY[c] + smooth;
                den[c] = sumP[c] + sumY[c] + smooth;
                total += 1 - num[c] / den[c];
            }
            if (gs == null) {
                continue;
            }
            for (long j = 0; j < spatial; j++) {
                double max = Double.NEGATIVE_INFINITY;
                double z = 0;
                double dot = 0;
                if (activation == Activation.SOFTMAX) {
                    for (int c = 0; c < channels; c++) {
                        max = Math.max(max, xs.getAtIndex(F, imageBase + c * spatial + j));
                    }
                    for (int c = 0; c < channels; c++) {
                        z += Math.exp(xs.getAtIndex(F, imageBase + c * spatial + j) - max);
                    }
                    for (int c = first; c < channels; c++) {
                        long i = imageBase + c * spatial + j;
                        dot += prob(xs.getAtIndex(F, i), max, z) * dProb(c, ys.getAtIndex(F, i), num, den);
                    }
                }
                for (int c = 0; c < channels; c++) {
                    long i = imageBase + c * spatial + j;
                    double p = prob(xs.getAtIndex(F, i), max, z);
                    double dp = c < first ? 0.0 : dProb(c, ys.getAtIndex(F, i), num, den);
                    double g = activation == Activation.SOFTMAX ? p * (dp - dot) : dp * p * (1 - p);
                    gs.setAtIndex(F, i, (float) (scale * g));
                }
            }
        }
        return (float) (total * scale);
    }

    /**
     * As {@link #forward(Tensor, Tensor, Tensor)} with the target given as class labels.
     *
     * @param labels {@code [B, ...]} (the logits' shape without the channel dimension), integer values in
     *     {@code [0, C)} stored as floats; one-hot encoded internally
     * @throws IllegalArgumentException on a shape mismatch or a label that is not an integer in {@code [0, C)}
     *     (naming the position)
     */
    public float forwardLabels(Tensor logits, Tensor labels, @Nullable Tensor grad) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(labels, "labels");
        if (logits.rank() < 2) {
            throw new IllegalArgumentException("DiceLoss: logits must be [B, C, ...] but is " + logits.shapeString());
        }
        int[] shape = logits.shape();
        int[] expected = new int[shape.length - 1];
        expected[0] = shape[0];
        System.arraycopy(shape, 2, expected, 1, shape.length - 2);
        if (!labels.hasShape(expected)) {
            throw new IllegalArgumentException("DiceLoss: labels shape " + labels.shapeString()
                    + " does not match logits " + logits.shapeString() + " (expected " + Arrays.toString(expected)
                    + ")");
        }
        int channels = shape[1];
        long spatial = labels.size() / Math.max(1, shape[0]);
        MemorySegment ls = labels.segment();
        try (Tensor oneHot = Tensor.zeros(shape)) {
            MemorySegment os = oneHot.segment();
            for (long i = 0; i < labels.size(); i++) {
                float v = ls.getAtIndex(F, i);
                if (!(v >= 0f && v < channels && v == Math.rint(v))) {
                    throw new IllegalArgumentException("DiceLoss: label must be an integer in [0, " + channels
                            + ") but is " + v + " at " + MseLoss.position(expected, i));
                }
                long b = i / spatial;
                long j = i % spatial;
                os.setAtIndex(F, (b * channels + (int) v) * spatial + j, 1f);
            }
            return forward(logits, oneHot, grad);
        }
    }

    private double prob(float x, double max, double z) {
        if (activation == Activation.SOFTMAX) {
            return Math.exp(x - max) / z;
        }
        double e = Math.exp(-Math.abs((double) x));
        return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    }

    private static double dProb(int c, double y, double[] num, double[] den) {
        return num[c] / (den[c] * den[c]) - 2 * y / den[c];
    }

    /** Builder; defaults: {@code SOFTMAX}, background included, smooth 1e-5 (MONAI). */
    public static final class Builder {
        private Activation activation = Activation.SOFTMAX;
        private boolean includeBackground = true;
        private double smooth = 1e-5;

        private Builder() {}

        public Builder activation(Activation activation) {
            this.activation = Objects.requireNonNull(activation, "activation");
            return this;
        }

        /** false leaves class 0 out of the mean (MONAI {@code include_background=False}). */
        public Builder includeBackground(boolean include) {
            this.includeBackground = include;
            return this;
        }

        /** The smoothing term s added to numerator and denominator; finite and > 0. */
        public Builder smooth(double s) {
            if (!(s > 0 && s < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("smooth must be finite and > 0 but is " + s);
            }
            this.smooth = s;
            return this;
        }

        public DiceLoss build() {
            return new DiceLoss(this);
        }
    }
}
