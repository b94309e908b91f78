package dev.pixelflow.simd.loss;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * Softmax cross-entropy with PyTorch 1.13 {@code CrossEntropyLoss} semantics for class-index targets.
 *
 * <p>Layouts: logits {@code [B,C,H,W]} (or {@code [N,C]}); labels are integral floats {@code [B,H,W]} or
 * {@code [B,1,H,W]} (or {@code [N]}); optional class weights {@code w[C]} (all 1 when absent).
 *
 * <p>Per pixel n with label {@code y_n} and {@code log p_c = x_c - logsumexp(x)} (max-subtracted, in double):
 * <pre>
 *   l_n = (1 - eps) * (-w[y_n] * log p_{y_n}) + eps / C * sum_c (-w_c * log p_c)
 * </pre>
 * with label smoothing {@code eps} (0 by default: plain {@code -w[y_n] log p_{y_n}}). Pixels whose label is
 * {@code ignoreIndex} (default -100) contribute 0 and are not counted.
 * Reductions: {@code NONE} gives the map {@code [B,H,W]} (or {@code [N]}, 0 at ignored pixels); {@code SUM}
 * is {@code sum_n l_n}; {@code MEAN} is the weighted mean {@code sum_n l_n / sum_n w[y_n]} over counted
 * pixels (the smoothing term is divided by the same weight sum, as PyTorch does). {@code MEAN_PER_IMAGE} is
 * not supported.
 *
 * <p>Empty batch policy: when no pixel is counted (or, for {@code MEAN}, the counted weights sum to 0) the
 * loss is 0 and the gradient is zero (PyTorch returns NaN for {@code MEAN}).
 *
 * <p>Gradient: {@link #gradient} returns {@code dL/dx} of the reduced loss, {@code [B,C,H,W]}:
 * {@code a * [(1-eps) w[y] (p_c - [c = y]) + eps/C (p_c sum_k w_k - w_c)]} at counted pixels, where
 * {@code a} is {@code 1/sum w[y_n]} for {@code MEAN} and 1 for {@code SUM}; for {@code NONE} it is the
 * gradient of the sum of the map.
 */
public final class SoftmaxCrossEntropy {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** PyTorch's default {@code ignore_index}. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    private final float[] weights;
    private final int ignoreIndex;
    private final double labelSmoothing;
    private final Reduction reduction;

    private SoftmaxCrossEntropy(Builder b) {
        this.weights = b.weights;
        this.ignoreIndex = b.ignoreIndex;
        this.labelSmoothing = b.labelSmoothing;
        this.reduction = b.reduction;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Unweighted, ignore_index -100, no smoothing, {@code MEAN}. */
    public static SoftmaxCrossEntropy defaults() {
        return builder().build();
    }

    public Reduction reduction() {
        return reduction;
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    public double labelSmoothing() {
        return labelSmoothing;
    }

    /** The class weights, or {@code null} when unweighted. */
    public float[] weights() {
        return weights == null ? null : weights.clone();
    }

    /**
     * The loss: a new tensor of shape {@code [1]} for {@code SUM}/{@code MEAN}, or the per-pixel map
     * {@code [B,H,W]} (or {@code [N]}) for {@code NONE}. The caller closes it.
     */
    public Tensor loss(Tensor logits, Tensor labels) {
        ClassIndexInput in = check(logits, labels);
        if (reduction == Reduction.NONE) {
            Tensor map = Tensor.zeros(in.mapShape());
            MemorySegment out = map.segment();
            forEachPixel(in, logits, (i, l) -> out.setAtIndex(F32, i, (float) l));
            return map;
        }
        double[] total = new double[1];
        forEachPixel(in, logits, (i, l) -> total[0] += l);
        double scale = scale(in);
        return Tensor.of(new float[] {(float) (total[0] * scale)}, 1);
    }

    /** The reduced loss as a double ({@code SUM} or {@code MEAN}; for {@code NONE}, the sum of the map). */
    public double value(Tensor logits, Tensor labels) {
        ClassIndexInput in = check(logits, labels);
        double[] total = new double[1];
        forEachPixel(in, logits, (i, l) -> total[0] += l);
        return total[0] * scale(in);
    }

    /** {@code dL/dlogits}, a new tensor shaped like {@code logits}; see the class comment. */
    public Tensor gradient(Tensor logits, Tensor labels) {
        ClassIndexInput in = check(logits, labels);
        int c = in.classes();
        Tensor grad = Tensor.zeros(logits.shape());
        double a = scale(in);
        if (a == 0) {
            return grad;
        }
        MemorySegment x = logits.segment();
        MemorySegment g = grad.segment();
        double eps = labelSmoothing;
        double wSum = 0;
        for (int k = 0; k < c; k++) {
            wSum += w(k);
        }
        double[] logp = new double[c];
        int[] y = in.labels();
        for (int b = 0; b < in.batch(); b++) {
            for (int s = 0; s < in.spatial(); s++) {
                int label = y[b * in.spatial() + s];
                if (label == ClassIndexInput.IGNORED) {
                    continue;
                }
                in.logSoftmax(x, b, s, logp);
                double wy = w(label);
                for (int k = 0; k < c; k++) {
                    double p = Math.exp(logp[k]);
                    double d = (1 - eps) * wy * (p - (k == label ? 1 : 0)) + eps / c * (p * wSum - w(k));
                    g.setAtIndex(F32, in.index(b, k, s), (float) (a * d));
                }
            }
        }
        return grad;
    }

    private ClassIndexInput check(Tensor logits, Tensor labels) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(labels, "labels");
        ClassIndexInput in = ClassIndexInput.of(logits, labels, true, ignoreIndex, "ignore_index");
        if (weights != null && weights.length != in.classes()) {
            throw new IllegalArgumentException("weights have " + weights.length + " entries but logits "
                    + logits.shapeString() + " have " + in.classes() + " classes");
        }
        return in;
    }

    private double w(int c) {
        return weights == null ? 1.0 : weights[c];
    }

    /** 1 for SUM/NONE; 1/sum w[y_n] for MEAN, 0 when that sum is 0. */
    private double scale(ClassIndexInput in) {
        if (reduction != Reduction.MEAN) {
            return 1;
        }
        double den = 0;
        for (int label : in.labels()) {
            if (label != ClassIndexInput.IGNORED) {
                den += w(label);
            }
        }
        return den == 0 ? 0 : 1 / den;
    }

    private interface PixelSink {
        void accept(long flatPixel, double loss);
    }

    private void forEachPixel(ClassIndexInput in, Tensor logits, PixelSink sink) {
        int c = in.classes();
        MemorySegment x = logits.segment();
        double[] logp = new double[c];
        int[] y = in.labels();
        double eps = labelSmoothing;
        for (int b = 0; b < in.batch(); b++) {
            for (int s = 0; s < in.spatial(); s++) {
                int i = b * in.spatial() + s;
                int label = y[i];
                if (label == ClassIndexInput.IGNORED) {
                    continue;
                }
                in.logSoftmax(x, b, s, logp);
                double l = -(1 - eps) * w(label) * logp[label];
                if (eps != 0) {
                    double smooth = 0;
                    for (int k = 0; k < c; k++) {
                        smooth -= w(k) * logp[k];
                    }
                    l += eps / c * smooth;
                }
                sink.accept(i, l);
            }
        }
    }

    @Override
    public String toString() {
        return "SoftmaxCrossEntropy[weights=" + (weights == null ? "none" : Arrays.toString(weights))
                + ", ignoreIndex=" + ignoreIndex + ", labelSmoothing=" + labelSmoothing + ", reduction="
                + reduction + "]";
    }

    /** Builder; every setter validates its argument. */
    public static final class Builder {
        private float[] weights;
        private int ignoreIndex = DEFAULT_IGNORE_INDEX;
        private double labelSmoothing;
        private Reduction reduction = Reduction.MEAN;

        private Builder() {
        }

        /** Per-class weights {@code w[C]}, each finite and {@code >= 0} (copied). */
        public Builder weights(float[] w) {
            Objects.requireNonNull(w, "weights");
            for (int c = 0; c < w.length; c++) {
                if (!(w[c] >= 0) || Float.isInfinite(w[c])) {
                    throw new IllegalArgumentException("weight of class " + c + " is " + w[c]
                            + "; weights must be finite and >= 0");
                }
            }
            this.weights = w.clone();
            return this;
        }

        /** Weights from a {@link ClassWeights} snapshot. */
        public Builder weights(ClassWeights w) {
            return weights(w.weights());
        }

        /** Labels equal to this value are ignored (PyTorch {@code ignore_index}, default -100). */
        public Builder ignoreIndex(int ignoreIndex) {
            this.ignoreIndex = ignoreIndex;
            return this;
        }

        /** Label smoothing {@code eps} in {@code [0, 1]}. */
        public Builder labelSmoothing(double eps) {
            if (!(eps >= 0 && eps <= 1)) {
                throw new IllegalArgumentException("label smoothing must be in [0, 1], got " + eps);
            }
            this.labelSmoothing = eps;
            return this;
        }

        /** {@code NONE}, {@code SUM} or {@code MEAN} (the default). */
        public Builder reduction(Reduction reduction) {
            Objects.requireNonNull(reduction, "reduction");
            if (reduction == Reduction.MEAN_PER_IMAGE) {
                throw new IllegalArgumentException("MEAN_PER_IMAGE is not supported by softmax cross-entropy");
            }
            this.reduction = reduction;
            return this;
        }

        public SoftmaxCrossEntropy build() {
            return new SoftmaxCrossEntropy(this);
        }
    }
}
