package dev.pixelflow.simd.loss;

import static dev.pixelflow.simd.loss.BceArguments.F;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Per-pixel binary cross-entropy on logits, number for number PyTorch's {@code BCEWithLogitsLoss} (and TF's
 * {@code sigmoid_cross_entropy_with_logits} / {@code weighted_cross_entropy_with_logits}). Immutable and
 * thread-safe; build with {@link #builder()}.
 *
 * <p>Tensors are {@code [B, C, ...]} (usually NCHW {@code [B, C, H, W]}); dimension 0 is the batch, dimension 1
 * the channel. Per element, with logit {@code x}, target {@code y} in [0, 1], per-channel {@code pos_weight}
 * {@code p} (broadcast as {@code [C, 1, 1]}) and element weight {@code w}:
 * <pre>
 *   l     = w * [ (1-y)*x + (1+(p-1)*y) * (log(1+exp(-|x|)) + max(-x,0)) ]
 *   dl/dx = w * ( (p*y + 1 - y) * sigmoid(x) - p*y )
 * </pre>
 * computed in double, so logits of +-80 (or +-1e30) give finite values.
 *
 * <p>Reductions: {@code SUM} is the sum over counted elements; {@code MEAN} the sum divided by the number of
 * counted elements (PyTorch: not by the sum of weights); {@code MEAN_PER_IMAGE} the mean over each image's counted
 * elements, then the mean over the images that have at least one counted element; {@code NONE} writes the
 * per-element map into {@code lossMap} and returns its sum (the gradient is then that of the sum, PyTorch's
 * {@code map.backward(ones)}).
 *
 * <p>Ignore mask: 1 = ignore, 0 = count (any other value is rejected). Ignored elements get loss 0 and gradient 0,
 * and their logit and target are not checked (so label values such as 255 may sit under the mask). Policy for
 * nothing counted (everything ignored, or an image ignored entirely): the loss is 0 and the gradient 0, never NaN
 * (PyTorch's mean of nothing is NaN, which would poison training); fully ignored images are left out of the
 * {@code MEAN_PER_IMAGE} batch mean.
 */
public final class BinaryCrossEntropy {

    private final Reduction reduction;
    private final float[] posWeight;
    private final Ops.Provider provider;
    private final int threads;

    private BinaryCrossEntropy(Builder b) {
        this.reduction = b.reduction;
        this.provider = b.provider;
        this.threads = b.threads;
        this.posWeight = b.posWeight == null ? null : b.posWeight.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Reduction reduction() {
        return reduction;
    }

    /** The per-channel positive weights, or null (all 1). */
    public float @Nullable [] posWeight() {
        return posWeight == null ? null : posWeight.clone();
    }

    /** Loss without weights, mask or outputs; not for {@code NONE}. */
    public float forward(Tensor logits, Tensor target) {
        return forward(logits, target, null, null, null, null);
    }

    /** The loss and, in the same pass, its gradient into {@code grad} (no weights, no mask); see the full form. */
    public float forward(Tensor logits, Tensor target, @Nullable Tensor grad) {
        return forward(logits, target, null, null, grad, null);
    }

    /**
     * Computes the loss and, in the same pass over memory, its gradient.
     *
     * @param logits {@code [B, C, ...]} raw scores; must be finite where counted
     * @param target same shape, values in [0, 1] where counted
     * @param weight same shape, finite and >= 0, or null (all 1)
     * @param ignoreMask same shape, 1 = ignore and 0 = count, or null (count all)
     * @param grad same shape, or null; overwritten with dLoss/dLogits of the returned (reduced) loss
     * @param lossMap same shape, or null (required for {@code NONE}); overwritten with the per-element loss
     *     (0 where ignored)
     * @return the reduced loss ({@code NONE}: the sum of the map)
     * @throws IllegalArgumentException on a shape mismatch, a pos_weight of the wrong length, a negative weight,
     *     a non-finite logit, or a target outside [0, 1] (naming the position); outputs are then partly written but
     *     never hold NaN
     */
    public float forward(Tensor logits, Tensor target, @Nullable Tensor weight, @Nullable Tensor ignoreMask,
            @Nullable Tensor grad, @Nullable Tensor lossMap) {
        BceArguments.checkShapes("logits", logits, target, weight, ignoreMask, grad, lossMap, reduction);
        int[] shape = logits.shape();
        int batch = shape[0];
        int channels = shape[1];
        if (posWeight != null && posWeight.length != channels) {
            throw new IllegalArgumentException("posWeight has " + posWeight.length + " entries but logits "
                    + logits.shapeString() + " has " + channels + " channels");
        }
        long spatial = channels == 0 ? 0 : logits.size() / ((long) batch * channels);
        long perImage = (long) channels * spatial;
        if (ignoreMask == null) {
            // every element counts, so every image has the same count and all reductions one gradient scale
            long n = batch * perImage;
            boolean mean = reduction == Reduction.MEAN || reduction == Reduction.MEAN_PER_IMAGE;
            double scale = !mean ? 1.0 : n == 0 ? 0.0 : 1.0 / n;
            double total = fastPath(logits, target, weight, grad, lossMap, batch, channels, spatial, (float) scale);
            if (!Double.isNaN(total)) {
                return (float) (mean ? total * scale : total);
            }
        }
        long[] counted = BceArguments.countedPerImage(ignoreMask, batch, perImage);
        double[] scale = BceArguments.gradScale(reduction, counted);
        double[] sums = new double[batch];
        MemorySegment xs = logits.segment();
        MemorySegment ys = target.segment();
        MemorySegment ws = weight == null ? null : weight.segment();
        MemorySegment ms = ignoreMask == null ? null : ignoreMask.segment();
        MemorySegment gs = grad == null ? null : grad.segment();
        MemorySegment ls = lossMap == null ? null : lossMap.segment();
        for (int b = 0; b < batch; b++) {
            double sum = 0;
            double s = scale[b];
            for (int c = 0; c < channels; c++) {
                double p = posWeight == null ? 1.0 : posWeight[c];
                long base = ((long) b * channels + c) * spatial;
                for (long j = 0; j < spatial; j++) {
                    long i = base + j;
                    if (BceArguments.ignored(ms, gs, ls, i)) {
                        continue;
                    }
                    float xf = xs.getAtIndex(F, i);
                    float yf = ys.getAtIndex(F, i);
                    float wf = ws == null ? 1f : ws.getAtIndex(F, i);
                    if (!Float.isFinite(xf)) {
                        throw new IllegalArgumentException("logits must be finite but is " + xf + " at "
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
                    double x = xf;
                    double y = yf;
                    double w = wf;
                    double e = Math.exp(-Math.abs(x));
                    double softplusNeg = Math.log1p(e) + Math.max(-x, 0.0);
                    double l = w * ((1 - y) * x + (1 + (p - 1) * y) * softplusNeg);
                    sum += l;
                    if (ls != null) {
                        ls.setAtIndex(F, i, (float) l);
                    }
                    if (gs != null) {
                        double sig = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
                        double py = p * y;
                        gs.setAtIndex(F, i, (float) (s * w * ((py + 1 - y) * sig - py)));
                    }
                }
            }
            sums[b] = sum;
        }
        return BceArguments.reduce(reduction, sums, counted);
    }

    /**
     * The unmasked case on the kernel layer, the whole batch in one call (no per-image slices: nothing is allocated
     * per frame); returns the sum of the per-element losses, or NaN when the kernel reports an invalid input (the
     * caller then reruns the checking loop, which names the position).
     */
    private double fastPath(Tensor logits, Tensor target, Tensor weight, Tensor grad, Tensor lossMap, int batch,
            int channels, long spatial, float scale) {
        Kernels k = LossThreads.kernels(provider);
        MemorySegment pw = posWeight == null ? null : MemorySegment.ofArray(posWeight);
        return k.bceWithLogits(LossThreads.pool(threads), logits.segment(), target.segment(), segment(weight), pw,
                batch, channels, spatial, scale, segment(grad), segment(lossMap));
    }

    private static MemorySegment segment(Tensor t) {
        return t == null ? null : t.segment();
    }

    /** Builder; defaults: {@code MEAN}, no pos_weight, provider {@code AUTO}, all cores. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private float[] posWeight;
        private Ops.Provider provider = Ops.Provider.AUTO;
        private int threads = Ops.defaultThreads();

        private Builder() {}

        /**
         * Compute threads for the unmasked case (default {@link Ops#defaultThreads()}); losses with the same count
         * share one pool. The result does not depend on the count: partial sums are combined in a fixed order.
         */
        public Builder threads(int threads) {
            this.threads = LossThreads.checkThreads(threads);
            return this;
        }

        /** Which kernels run the unmasked case (default {@code AUTO}, as {@link Ops#defaults()}). */
        public Builder provider(Ops.Provider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        public Builder reduction(Reduction reduction) {
            this.reduction = Objects.requireNonNull(reduction, "reduction");
            return this;
        }

        /**
         * Per-channel positive weights ({@code pos_weight} of shape {@code [C, 1, 1]} in PyTorch terms): finite
         * and >= 0, one per channel; null for none.
         */
        public Builder posWeight(float @Nullable [] perChannel) {
            if (perChannel != null) {
                if (perChannel.length == 0) {
                    throw new IllegalArgumentException("posWeight must have one entry per channel but is empty");
                }
                for (int c = 0; c < perChannel.length; c++) {
                    float v = perChannel[c];
                    if (!(v >= 0f && v < Float.POSITIVE_INFINITY)) {
                        throw new IllegalArgumentException("posWeight must be finite and >= 0 but is " + v
                                + " at channel " + c);
                    }
                }
                this.posWeight = perChannel.clone();
            } else {
                this.posWeight = null;
            }
            return this;
        }

        /**
         * {@code pos_weight} from two-class weights (background 0, object 1): {@code w1 / w0}, so positives weigh
         * {@code w1/w0} times as much as negatives. That equals weighting each pixel by its class weight up to the
         * constant factor {@code w0}, which changes the loss scale but not the minimizer.
         */
        public Builder posWeight(ClassWeights weights) {
            if (weights.numClasses() != 2) {
                throw new IllegalArgumentException("pos_weight from class weights needs 2 classes (background, object),"
                        + " got " + weights.numClasses());
            }
            if (!(weights.weight(0) > 0)) {
                throw new IllegalArgumentException("background weight must be > 0 to form w1/w0, got "
                        + weights.weight(0));
            }
            return posWeight(new float[] {weights.weight(1) / weights.weight(0)});
        }

        public BinaryCrossEntropy build() {
            return new BinaryCrossEntropy(this);
        }
    }
}
