package dev.pixelflow.simd.loss;

import dev.pixelflow.simd.Tensor;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Mean absolute error, number for number PyTorch's {@code L1Loss} (e.g. autoencoder reconstruction). Immutable and
 * thread-safe; build with {@link #builder()}.
 *
 * <p>Tensors have any shape {@code [B, ...]} (usually NCHW); dimension 0 is the batch. Per element, with input
 * {@code x} and target {@code y}:
 * <pre>
 *   l     = |x - y|
 *   dl/dx = sign(x - y)      (0 where x == y, like torch.sign and PyTorch's L1Loss backward)
 * </pre>
 * accumulated in double. Reductions as {@link MseLoss}: {@code SUM}, {@code MEAN} (default, divided by the number of
 * elements), {@code MEAN_PER_IMAGE} (equal to {@code MEAN}), {@code NONE} (map into {@code lossMap}, returns its
 * sum, gradient of the sum). An empty tensor gives loss 0.
 */
public final class L1Loss {

    private final Reduction reduction;

    private L1Loss(Reduction reduction) {
        this.reduction = reduction;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Reduction reduction() {
        return reduction;
    }

    /** The reduced loss without outputs; not for {@code NONE}. */
    public float forward(Tensor input, Tensor target) {
        return forward(input, target, null, null);
    }

    /**
     * Computes the loss and, in the same pass, its gradient.
     *
     * @param input {@code [B, ...]} predictions, finite
     * @param target same shape, finite
     * @param grad same shape, or null; overwritten with dLoss/dInput of the returned loss
     * @param lossMap same shape, or null (required for {@code NONE}); overwritten with the per-element loss
     * @return the reduced loss ({@code NONE}: the sum of the map)
     * @throws IllegalArgumentException on a shape mismatch (naming both shapes), a missing map for {@code NONE}, or a
     *     non-finite input or target (naming the position)
     */
    public float forward(Tensor input, Tensor target, @Nullable Tensor grad, @Nullable Tensor lossMap) {
        return MseLoss.pointwise("L1Loss", true, reduction, input, target, grad, lossMap);
    }

    /** Builder; default reduction {@code MEAN} (PyTorch's default). */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;

        private Builder() {}

        public Builder reduction(Reduction reduction) {
            this.reduction = Objects.requireNonNull(reduction, "reduction");
            return this;
        }

        public L1Loss build() {
            return new L1Loss(reduction);
        }
    }
}
