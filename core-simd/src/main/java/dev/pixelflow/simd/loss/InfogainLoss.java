package dev.pixelflow.simd.loss;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Caffe's {@code InfogainLossLayer} with an {@code L x L} infogain matrix {@code H}.
 *
 * <p>Layouts: logits {@code [B,L,H,W]} (or {@code [N,L]}); labels integral floats {@code [B,H,W]} or
 * {@code [B,1,H,W]} (or {@code [N]}); {@code H} is {@code [L,L]}, row {@code y} for ground-truth class y.
 *
 * <p>With {@code p = softmax(x)} over classes (max-subtracted, in double):
 * <pre>
 *   L = -sum_i sum_l H[y_i,l] * log(max(p_il, 1e-20)) / normalizer
 *   dL/dx_il = (p_il * sum_k H[y_i,k] - H[y_i,l]) / normalizer
 * </pre>
 * summed over the pixels i whose label is not the ignore label (if one is set); ignored pixels get zero
 * gradient. The normalizer is {@link InfogainNormalization} (default {@code VALID}), at least 1. The gradient
 * is Caffe's closed form, which ignores the 1e-20 clamp. {@code H = I} is multinomial logistic loss; a
 * diagonal {@code H} weights each class by its diagonal entry.
 */
public final class InfogainLoss {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Caffe's {@code kLOG_THRESHOLD}. */
    public static final double LOG_THRESHOLD = 1e-20;

    private final int classes;
    private final double[] h;
    private final double[] rowSums;
    private final boolean hasIgnore;
    private final int ignoreLabel;
    private final InfogainNormalization normalization;

    private InfogainLoss(Builder b) {
        this.classes = b.classes;
        this.h = b.h;
        this.hasIgnore = b.hasIgnore;
        this.ignoreLabel = b.ignoreLabel;
        this.normalization = b.normalization;
        this.rowSums = new double[classes];
        for (int r = 0; r < classes; r++) {
            double s = 0;
            for (int k = 0; k < classes; k++) {
                s += h[r * classes + k];
            }
            rowSums[r] = s;
        }
    }

    /** A builder for infogain matrix {@code H} ({@code [L,L]}, finite; copied). */
    public static Builder builder(Tensor infogain) {
        return new Builder(infogain);
    }

    public int numClasses() {
        return classes;
    }

    public InfogainNormalization normalization() {
        return normalization;
    }

    /** The loss value (a double). */
    public double value(Tensor logits, Tensor labels) {
        return forward(logits, labels, null);
    }

    /** The loss as a new {@code [1]} tensor (the caller closes it). */
    public Tensor loss(Tensor logits, Tensor labels) {
        return Tensor.of(new float[] {(float) value(logits, labels)}, 1);
    }

    /** {@code dL/dlogits}, a new tensor shaped like {@code logits} (Caffe's closed form). */
    public Tensor gradient(Tensor logits, Tensor labels) {
        Tensor grad = Tensor.zeros(logits.shape());
        forward(logits, labels, grad);
        return grad;
    }

    /**
     * The loss and, in the same pass, its gradient {@code dL/dlogits} (Caffe's closed form
     * {@code (p_l * sum_k H[y, k] - H[y, l]) / normalizer}) written into {@code grad} (shaped like {@code logits},
     * 0 at ignored pixels), or no gradient when {@code grad} is null.
     */
    public double forward(Tensor logits, Tensor labels, @Nullable Tensor grad) {
        ClassIndexInput in = check(logits, labels);
        if (grad != null && !Arrays.equals(grad.shape(), logits.shape())) {
            throw new IllegalArgumentException("grad " + grad.shapeString() + " must have the shape of logits "
                    + logits.shapeString());
        }
        MemorySegment x = logits.segment();
        MemorySegment g = grad == null ? null : grad.segment();
        double[] logp = new double[classes];
        double logThreshold = Math.log(LOG_THRESHOLD);
        double inv = 1 / normalizer(in);
        int[] y = in.labels();
        double total = 0;
        for (int b = 0; b < in.batch(); b++) {
            for (int s = 0; s < in.spatial(); s++) {
                int label = y[b * in.spatial() + s];
                if (label == ClassIndexInput.IGNORED) {
                    if (g != null) {
                        for (int l = 0; l < classes; l++) {
                            g.setAtIndex(F32, in.index(b, l, s), 0f);
                        }
                    }
                    continue;
                }
                in.logSoftmax(x, b, s, logp);
                int row = label * classes;
                for (int l = 0; l < classes; l++) {
                    double hv = h[row + l];
                    if (hv != 0) {
                        total -= hv * Math.max(logp[l], logThreshold);
                    }
                    if (g != null) {
                        double d = Math.exp(logp[l]) * rowSums[label] - hv;
                        g.setAtIndex(F32, in.index(b, l, s), (float) (d * inv));
                    }
                }
            }
        }
        return total * inv;
    }

    private double normalizer(ClassIndexInput in) {
        return normalization.normalizer(in.batch(), in.spatial(), in.counted());
    }

    private ClassIndexInput check(Tensor logits, Tensor labels) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(labels, "labels");
        ClassIndexInput in = ClassIndexInput.of(logits, labels, hasIgnore, ignoreLabel, "ignore label");
        if (in.classes() != classes) {
            throw new IllegalArgumentException("logits " + logits.shapeString() + " have " + in.classes()
                    + " classes but H is [" + classes + ", " + classes + "]");
        }
        return in;
    }

    /** Builder; {@code H} is validated on construction. */
    public static final class Builder {
        private final int classes;
        private final double[] h;
        private boolean hasIgnore;
        private int ignoreLabel;
        private InfogainNormalization normalization = InfogainNormalization.VALID;

        private Builder(Tensor infogain) {
            Objects.requireNonNull(infogain, "infogain");
            int[] s = infogain.shape();
            if (s.length != 2 || s[0] != s[1] || s[0] < 1) {
                throw new IllegalArgumentException("infogain matrix H must be L x L, got "
                        + infogain.shapeString());
            }
            classes = s[0];
            h = new double[classes * classes];
            MemorySegment seg = infogain.segment();
            for (int i = 0; i < h.length; i++) {
                float v = seg.getAtIndex(F32, i);
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("H[" + i / classes + ", " + i % classes + "] is " + v);
                }
                h[i] = v;
            }
        }

        /** Pixels with this label are ignored (Caffe {@code ignore_label}); none by default. */
        public Builder ignoreLabel(int label) {
            this.hasIgnore = true;
            this.ignoreLabel = label;
            return this;
        }

        public Builder normalization(InfogainNormalization n) {
            this.normalization = Objects.requireNonNull(n, "normalization");
            return this;
        }

        public InfogainLoss build() {
            return new InfogainLoss(this);
        }
    }
}
