package dev.pixelflow.simd.loss;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Softmax cross-entropy with PyTorch 1.13 {@code CrossEntropyLoss} semantics for class-index targets.
 *
 * <p>Layouts: logits {@code [B,C,H,W]} (or {@code [N,C]}); labels are integral floats {@code [B,H,W]} or
 * {@code [B,1,H,W]} (or {@code [N]}); optional class weights {@code w[C]} (all 1 when absent).
 *
 * <p>Per pixel n with label {@code y_n} and {@code log p_c = x_c - logsumexp(x)} (max-subtracted):
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
 *
 * <p>Computation: {@link #forward} returns the loss and writes the gradient (and the map) in one pass over the
 * logits, on the kernel layer: the vector kernels work on {@code L} consecutive pixels at a time in float lanes
 * (partial sums flushed to double every 2048 pixels), the scalar reference in double. {@link #loss},
 * {@link #value} and {@link #gradient} run the same pass. The pixels are split into fixed blocks spread over
 * {@link Builder#threads} compute threads; the blocks' sums are added in block order, so the thread count does
 * not change the result. Invalid input (a NaN logit, a label that is neither a class nor the ignore index) stops
 * the pass and is then located by a checking scan that names the value and its position.
 */
public final class SoftmaxCrossEntropy {
    /** PyTorch's default {@code ignore_index}. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    private final float[] weights;
    private final int ignoreIndex;
    private final double labelSmoothing;
    private final Reduction reduction;
    private final Ops.Provider provider;
    private final int threads;

    private SoftmaxCrossEntropy(Builder b) {
        this.provider = b.provider;
        this.threads = b.threads;
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
    public float @Nullable [] weights() {
        return weights == null ? null : weights.clone();
    }

    /**
     * The loss: a new tensor of shape {@code [1]} for {@code SUM}/{@code MEAN}, or the per-pixel map
     * {@code [B,H,W]} (or {@code [N]}) for {@code NONE}. The caller closes it.
     */
    public Tensor loss(Tensor logits, Tensor labels) {
        ClassIndexInput.Dims d = check(logits, labels);
        if (reduction == Reduction.NONE) {
            Tensor map = Tensor.zeros(d.mapShape());
            try {
                run(d, logits, labels, null, map);
            } catch (RuntimeException e) {
                map.close();
                throw e;
            }
            return map;
        }
        return Tensor.of(new float[] {(float) run(d, logits, labels, null, null)}, 1);
    }

    /** The reduced loss as a double ({@code SUM} or {@code MEAN}; for {@code NONE}, the sum of the map). */
    public double value(Tensor logits, Tensor labels) {
        return run(check(logits, labels), logits, labels, null, null);
    }

    /** {@code dL/dlogits}, a new tensor shaped like {@code logits}; see the class comment. */
    public Tensor gradient(Tensor logits, Tensor labels) {
        ClassIndexInput.Dims d = check(logits, labels);
        Tensor grad = Tensor.zeros(logits.shape());
        try {
            run(d, logits, labels, grad, null);
        } catch (RuntimeException e) {
            grad.close();
            throw e;
        }
        return grad;
    }

    /**
     * Computes the reduced loss and, in the same pass over memory, its gradient: per block of pixels the C
     * logits are read once into cache, and loss, loss map and gradient are written from there. For {@code MEAN}
     * the weight sum of the counted labels is taken first from the labels alone (one float per pixel).
     *
     * @param logits {@code [B,C,H,W]} (or {@code [N,C]}), no NaN
     * @param labels {@code [B,H,W]} or {@code [B,1,H,W]} (or {@code [N]}): integral class indices or the ignore
     *     index
     * @param grad shaped like {@code logits}, or null; overwritten with {@code dL/dlogits} of the returned loss
     *     (0 at ignored pixels)
     * @param lossMap {@code [B,H,W]} or {@code [B,1,H,W]} (or {@code [N]}), or null (required for
     *     {@code NONE}); overwritten with the per-pixel loss (0 at ignored pixels)
     * @return the reduced loss ({@code NONE}: the sum of the map)
     * @throws IllegalArgumentException on a shape mismatch, outputs sharing memory with an input or each other, a
     *     NaN logit or a label that is neither a class nor the ignore index (naming value and position); after
     *     the last two the outputs are zero
     */
    public float forward(Tensor logits, Tensor labels, @Nullable Tensor grad, @Nullable Tensor lossMap) {
        ClassIndexInput.Dims d = check(logits, labels);
        if (grad != null && !Arrays.equals(grad.shape(), logits.shape())) {
            throw new IllegalArgumentException("grad " + grad.shapeString() + " must have the shape of logits "
                    + logits.shapeString());
        }
        if (lossMap != null && !mapShapeOk(lossMap.shape(), d.mapShape())) {
            int[] m = d.mapShape();
            throw new IllegalArgumentException("lossMap " + lossMap.shapeString() + " must be "
                    + Arrays.toString(m) + (m.length == 3 ? " or [" + m[0] + ", 1, " + m[1] + ", " + m[2] + "]" : "")
                    + " for logits " + logits.shapeString());
        }
        noOverlap(grad, "grad", logits, "logits");
        noOverlap(grad, "grad", labels, "labels");
        noOverlap(lossMap, "lossMap", logits, "logits");
        noOverlap(lossMap, "lossMap", labels, "labels");
        noOverlap(lossMap, "lossMap", grad, "grad");
        if (reduction == Reduction.NONE && lossMap == null) {
            throw new IllegalArgumentException("reduction NONE needs a lossMap of shape "
                    + Arrays.toString(d.mapShape()));
        }
        return (float) run(d, logits, labels, grad, lossMap);
    }

    /** The kernel reads logits and labels after writing outputs, so they must not share memory. */
    private static void noOverlap(Tensor out, String outName, Tensor in, String inName) {
        if (out == null || in == null) {
            return;
        }
        MemorySegment a = out.segment();
        MemorySegment b = in.segment();
        long a0 = a.address();
        long b0 = b.address();
        if (a.byteSize() > 0 && b.byteSize() > 0 && a0 < b0 + b.byteSize() && b0 < a0 + a.byteSize()) {
            throw new IllegalArgumentException(outName + " must not share memory with " + inName);
        }
    }

    /** {@code [B,H,W]}, or {@code [B,1,H,W]} like the labels (or {@code [N]}). */
    private static boolean mapShapeOk(int[] shape, int[] map) {
        return Arrays.equals(shape, map)
                || map.length == 3 && Arrays.equals(shape, new int[] {map[0], 1, map[1], map[2]});
    }

    /** The fused pass; grad and lossMap may be null. Returns the reduced loss (NONE: the sum of the map). */
    private double run(ClassIndexInput.Dims d, Tensor logits, Tensor labels, Tensor grad, Tensor lossMap) {
        Kernels k = LossThreads.kernels(provider);
        ComputePool pool = LossThreads.pool(threads);
        MemorySegment ys = labels.segment();
        float ignore = ignoreIndex;
        double scale = 1;
        if (reduction == Reduction.MEAN) {
            double den = k.softmaxLabelWeightSum(pool, ys, (long) d.batch() * d.spatial(), d.classes(), weights,
                    ignore);
            if (Double.isNaN(den)) {
                fail(logits, labels, grad, lossMap);
            }
            scale = den == 0 ? 0 : 1 / den;
        }
        double total = k.softmaxCrossEntropy(pool, logits.segment(), ys, d.batch(), d.classes(), d.spatial(),
                weights, ignore, (float) labelSmoothing, (float) scale, grad == null ? null : grad.segment(),
                lossMap == null ? null : lossMap.segment());
        if (Double.isNaN(total)) {
            // an invalid input stops the kernel; a NaN from infinite logits is a result and is returned as such
            if (!validInputs(logits, labels)) {
                fail(logits, labels, grad, lossMap);
            }
        }
        return total * scale;
    }

    private boolean validInputs(Tensor logits, Tensor labels) {
        try {
            ClassIndexInput.of(logits, labels, true, ignoreIndex, "ignore_index");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Zeroes the outputs and throws the message that names the first invalid input. */
    private void fail(Tensor logits, Tensor labels, Tensor grad, Tensor lossMap) {
        if (grad != null) {
            grad.segment().fill((byte) 0);
        }
        if (lossMap != null) {
            lossMap.segment().fill((byte) 0);
        }
        ClassIndexInput.of(logits, labels, true, ignoreIndex, "ignore_index");
        throw new IllegalStateException("the loss kernel rejected inputs that pass validation");
    }

    private ClassIndexInput.Dims check(Tensor logits, Tensor labels) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(labels, "labels");
        ClassIndexInput.Dims d = ClassIndexInput.dims(logits, labels);
        if (weights != null && weights.length != d.classes()) {
            throw new IllegalArgumentException("weights have " + weights.length + " entries but logits "
                    + logits.shapeString() + " have " + d.classes() + " classes");
        }
        return d;
    }

    @Override
    public String toString() {
        return "SoftmaxCrossEntropy[weights=" + (weights == null ? "none" : Arrays.toString(weights))
                + ", ignoreIndex=" + ignoreIndex + ", labelSmoothing=" + labelSmoothing + ", reduction="
                + reduction + ", provider=" + provider + ", threads=" + threads + "]";
    }

    /** Builder; every setter validates its argument. */
    public static final class Builder {
        private float[] weights;
        private int ignoreIndex = DEFAULT_IGNORE_INDEX;
        private double labelSmoothing;
        private Reduction reduction = Reduction.MEAN;
        private Ops.Provider provider = Ops.Provider.AUTO;
        private int threads = Ops.defaultThreads();

        private Builder() {
        }

        /** Which kernels run the loss (default {@code AUTO}, as {@link Ops#defaults()}). */
        public Builder provider(Ops.Provider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * Compute threads (default {@link Ops#defaultThreads()}); losses with the same count share one pool. The
         * result does not depend on the count: partial sums are combined in a fixed order.
         */
        public Builder threads(int threads) {
            this.threads = LossThreads.checkThreads(threads);
            return this;
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
