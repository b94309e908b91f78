package dev.pixelflow.simd.loss;

import static dev.pixelflow.simd.loss.BceArguments.F;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Binary cross-entropy on probabilities (outputs after a sigmoid), as Keras {@code BinaryCrossentropy} with
 * {@code from_logits=False}. Immutable and thread-safe; build with {@link #builder()}. Prefer
 * {@link BinaryCrossEntropy} on logits for training: it is exact where this one clips.
 *
 * <p>Tensors are {@code [B, C, ...]}; dimension 0 is the batch. Per element, with probability {@code q},
 * target {@code y} in [0, 1], label smoothing {@code s}, epsilon {@code eps} (default 1e-7) and weight {@code w}:
 * <pre>
 *   y' = y*(1-s) + 0.5*s
 *   q' = clip(q, eps, 1-eps)
 *   l  = -w * [ y'*log(q') + (1-y')*log(1-q') ]
 *   dl/dq = -w * ( y'/q' - (1-y')/(1-q') ) where eps < q < 1-eps, 0 where clipped
 * </pre>
 *
 * <p>Mapping to Keras reductions (Keras first averages over the last axis, giving one value per sample, then
 * reduces those): Keras {@code sum_over_batch_size} (its default "mean") equals {@link Reduction#MEAN} here (all
 * rows have the same length); Keras per-sample values ({@code reduction=None}) are the means over the last axis
 * of the {@code lossMap} of {@link Reduction#NONE} (for {@code [B, D]} input: {@link Reduction#MEAN_PER_IMAGE}'s
 * per-image means); Keras {@code sum} is the sum of those per-sample means, i.e. {@link Reduction#SUM} divided by
 * the last axis length (see {@link #kerasSum}). Reductions, ignore mask and the nothing-counted policy (loss 0,
 * gradient 0) are as in {@link BinaryCrossEntropy}.
 */
public final class BinaryCrossEntropyProbabilities {

    /** Keras's default {@code backend.epsilon()}. */
    public static final float DEFAULT_EPSILON = 1e-7f;

    private final Reduction reduction;
    private final float labelSmoothing;
    private final float epsilon;

    private BinaryCrossEntropyProbabilities(Builder b) {
        this.reduction = b.reduction;
        this.labelSmoothing = b.labelSmoothing;
        this.epsilon = b.epsilon;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Reduction reduction() {
        return reduction;
    }

    public float labelSmoothing() {
        return labelSmoothing;
    }

    public float epsilon() {
        return epsilon;
    }

    /** Loss without weights, mask or outputs; not for {@code NONE}. */
    public float forward(Tensor probabilities, Tensor target) {
        return forward(probabilities, target, null, null, null, null);
    }

    /**
     * Keras's {@code reduction="sum"}: the {@code SUM} of this loss's per-element values divided by the length of
     * the last axis (the sum of the per-sample means over the last axis). Uses this loss's smoothing and epsilon.
     */
    public float kerasSum(Tensor probabilities, Tensor target) {
        Objects.requireNonNull(probabilities, "probabilities");
        float sum = builder().reduction(Reduction.SUM).labelSmoothing(labelSmoothing).epsilon(epsilon).build()
                .forward(probabilities, target);
        int last = probabilities.dim(probabilities.rank() - 1);
        return last == 0 ? 0f : (float) ((double) sum / last);
    }

    /**
     * Computes the loss and, in the same pass over memory, its gradient with respect to the probabilities.
     *
     * @param probabilities {@code [B, C, ...]} values in [0, 1] where counted
     * @param target same shape, values in [0, 1] where counted
     * @param weight same shape, finite and >= 0, or null (all 1)
     * @param ignoreMask same shape, 1 = ignore and 0 = count, or null
     * @param grad same shape, or null; overwritten with dLoss/dProbabilities of the returned loss
     * @param lossMap same shape, or null (required for {@code NONE}); overwritten with the per-element loss
     * @return the reduced loss ({@code NONE}: the sum of the map)
     * @throws IllegalArgumentException on a shape mismatch or a value out of range (naming the position)
     */
    public float forward(Tensor probabilities, Tensor target, @Nullable Tensor weight,
            @Nullable Tensor ignoreMask, @Nullable Tensor grad, @Nullable Tensor lossMap) {
        BceArguments.checkShapes("probabilities", probabilities, target, weight, ignoreMask, grad, lossMap,
                reduction);
        int[] shape = probabilities.shape();
        int batch = shape[0];
        long perImage = batch == 0 ? 0 : probabilities.size() / batch;
        long[] counted = BceArguments.countedPerImage(ignoreMask, batch, perImage);
        double[] scale = BceArguments.gradScale(reduction, counted);
        double[] sums = new double[batch];
        MemorySegment qs = probabilities.segment();
        MemorySegment ys = target.segment();
        MemorySegment ws = weight == null ? null : weight.segment();
        MemorySegment ms = ignoreMask == null ? null : ignoreMask.segment();
        MemorySegment gs = grad == null ? null : grad.segment();
        MemorySegment ls = lossMap == null ? null : lossMap.segment();
        double s = labelSmoothing;
        double lo = epsilon;
        double hi = 1.0 - (double) epsilon;
        for (int b = 0; b < batch; b++) {
            double sum = 0;
            double sc = scale[b];
            long base = b * perImage;
            for (long j = 0; j < perImage; j++) {
                long i = base + j;
                if (BceArguments.ignored(ms, gs, ls, i)) {
                    continue;
                }
                float qf = qs.getAtIndex(F, i);
                float yf = ys.getAtIndex(F, i);
                float wf = ws == null ? 1f : ws.getAtIndex(F, i);
                if (!(qf >= 0f && qf <= 1f)) {
                    throw new IllegalArgumentException("probabilities must be in [0, 1] but is " + qf + " at "
                            + BceArguments.position(shape, i));
                }
                if (!(yf >= 0f && yf <= 1f)) {
                    throw new IllegalArgumentException("target must be in [0, 1] but is " + yf + " at "
                            + BceArguments.position(shape, i));
                }
                if (!(wf >= 0f && wf < Float.POSITIVE_INFINITY)) {
                    throw new IllegalArgumentException("weight must be finite and >= 0 but is " + wf + " at "
                            + BceArguments.position(shape, i));
                }
                double y = yf * (1 - s) + 0.5 * s;
                double q = Math.min(Math.max(qf, lo), hi);
                double w = wf;
                double l = -w * (y * Math.log(q) + (1 - y) * Math.log(1 - q));
                sum += l;
                if (ls != null) {
                    ls.setAtIndex(F, i, (float) l);
                }
                if (gs != null) {
                    double g = (qf > lo && qf < hi) ? -w * (y / q - (1 - y) / (1 - q)) : 0.0;
                    gs.setAtIndex(F, i, (float) (sc * g));
                }
            }
            sums[b] = sum;
        }
        return BceArguments.reduce(reduction, sums, counted);
    }

    /** Builder; defaults: {@code MEAN}, no label smoothing, epsilon 1e-7. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private float labelSmoothing;
        private float epsilon = DEFAULT_EPSILON;

        private Builder() {}

        public Builder reduction(Reduction reduction) {
            this.reduction = Objects.requireNonNull(reduction, "reduction");
            return this;
        }

        /** Label smoothing {@code s} in [0, 1]: {@code y' = y*(1-s) + 0.5*s}. */
        public Builder labelSmoothing(float s) {
            if (!(s >= 0f && s <= 1f)) {
                throw new IllegalArgumentException("labelSmoothing must be in [0, 1] but is " + s);
            }
            this.labelSmoothing = s;
            return this;
        }

        /** Clipping epsilon in (0, 0.5). */
        public Builder epsilon(float eps) {
            if (!(eps > 0f && eps < 0.5f)) {
                throw new IllegalArgumentException("epsilon must be in (0, 0.5) but is " + eps);
            }
            this.epsilon = eps;
            return this;
        }

        public BinaryCrossEntropyProbabilities build() {
            return new BinaryCrossEntropyProbabilities(this);
        }
    }
}
