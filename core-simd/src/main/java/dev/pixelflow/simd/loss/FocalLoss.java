package dev.pixelflow.simd.loss;

import static dev.pixelflow.simd.loss.MseLoss.F;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Binary (sigmoid) focal loss on logits, number for number torchvision's {@code ops.sigmoid_focal_loss} (Lin et al.,
 * RetinaNet). Immutable and thread-safe; build with {@link #builder()}.
 *
 * <p>Tensors have any shape {@code [B, ...]} (usually NCHW); dimension 0 is the batch. Per element, with logit
 * {@code x} and target {@code y} in [0, 1]:
 * <pre>
 *   p       = sigmoid(x)
 *   ce      = BCE-with-logits(x, y) = max(x, 0) - x*y + log(1 + exp(-|x|))
 *   p_t     = p*y + (1-p)*(1-y),   m = 1 - p_t = p*(1-y) + (1-p)*y
 *   alpha_t = alpha*y + (1-alpha)*(1-y)   if alpha >= 0, else 1
 *   l       = alpha_t * ce * m^gamma                     (= -alpha_t (1-p_t)^gamma log p_t for y in {0, 1})
 *   dl/dx   = alpha_t * [ (p - y) * m^gamma + ce * gamma * m^(gamma-1) * p(1-p) * (1-2y) ]
 * </pre>
 * in double with {@code 1-p} computed as {@code sigmoid(-x)}, so logits of +-80 give finite, accurate values
 * (where {@code m} underflows to 0 the second gradient term is taken as 0). Defaults alpha 0.25, gamma 2.
 *
 * <p>Reductions: {@code SUM}; {@code MEAN} (default here; torchvision's default is {@code "none"}) divides by the
 * number of elements; {@code MEAN_PER_IMAGE} equals {@code MEAN}; {@code NONE} writes the per-element map into
 * {@code lossMap} and returns its sum (gradient of the sum). An empty tensor gives 0.
 */
public final class FocalLoss {

    private final Reduction reduction;
    private final double alpha;
    private final double gamma;

    private FocalLoss(Builder b) {
        this.reduction = b.reduction;
        this.alpha = b.alpha;
        this.gamma = b.gamma;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Reduction reduction() {
        return reduction;
    }

    public double alpha() {
        return alpha;
    }

    public double gamma() {
        return gamma;
    }

    /** The reduced loss without outputs; not for {@code NONE}. */
    public float forward(Tensor logits, Tensor target) {
        return forward(logits, target, null, null);
    }

    /**
     * Computes the loss and, in the same pass, its gradient.
     *
     * @param logits {@code [B, ...]} raw scores, finite
     * @param target same shape, values in [0, 1]
     * @param grad same shape, or null; overwritten with dLoss/dLogits of the returned loss
     * @param lossMap same shape, or null (required for {@code NONE}); overwritten with the per-element loss
     * @return the reduced loss ({@code NONE}: the sum of the map)
     * @throws IllegalArgumentException on a shape mismatch (naming both shapes), a missing map for {@code NONE}, a
     *     non-finite logit or a target outside [0, 1] (naming the position)
     */
    public float forward(Tensor logits, Tensor target, @Nullable Tensor grad, @Nullable Tensor lossMap) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(target, "target");
        MseLoss.checkSame("FocalLoss", "target", logits, target);
        if (grad != null) {
            MseLoss.checkSame("FocalLoss", "grad", logits, grad);
        }
        if (lossMap != null) {
            MseLoss.checkSame("FocalLoss", "lossMap", logits, lossMap);
        }
        if (reduction == Reduction.NONE && lossMap == null) {
            throw new IllegalArgumentException("FocalLoss with reduction NONE needs a lossMap of shape "
                    + logits.shapeString());
        }
        int[] shape = logits.shape();
        long n = logits.size();
        double scale = (reduction == Reduction.MEAN || reduction == Reduction.MEAN_PER_IMAGE)
                ? (n == 0 ? 0.0 : 1.0 / n) : 1.0;
        MemorySegment xs = logits.segment();
        MemorySegment ys = target.segment();
        MemorySegment gs = grad == null ? null : grad.segment();
        MemorySegment ls = lossMap == null ? null : lossMap.segment();
        double sum = 0;
        for (long i = 0; i < n; i++) {
            float xf = xs.getAtIndex(F, i);
            float yf = ys.getAtIndex(F, i);
            if (!Float.isFinite(xf)) {
                throw new IllegalArgumentException("FocalLoss: logits must be finite but is " + xf + " at "
                        + MseLoss.position(shape, i));
            }
            if (!(yf >= 0f && yf <= 1f)) {
                throw new IllegalArgumentException("FocalLoss: target must be in [0, 1] but is " + yf + " at "
                        + MseLoss.position(shape, i));
            }
            double x = xf;
            double y = yf;
            double e = Math.exp(-Math.abs(x));
            double p = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
            double q = x >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
            double ce = Math.max(x, 0) - x * y + Math.log1p(e);
            double m = p * (1 - y) + q * y;
            double mg = Math.pow(m, gamma);
            double at = alpha >= 0 ? alpha * y + (1 - alpha) * (1 - y) : 1.0;
            double l = at * ce * mg;
            sum += l;
            if (ls != null) {
                ls.setAtIndex(F, i, (float) l);
            }
            if (gs != null) {
                double second = (m > 0 && gamma != 0) ? ce * gamma * Math.pow(m, gamma - 1) * p * q * (1 - 2 * y)
                        : 0.0;
                gs.setAtIndex(F, i, (float) (scale * at * ((p - y) * mg + second)));
            }
        }
        return (float) (sum * scale);
    }

    /** Builder; defaults: {@code MEAN}, alpha 0.25, gamma 2 (torchvision's alpha and gamma). */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private double alpha = 0.25;
        private double gamma = 2.0;

        private Builder() {}

        public Builder reduction(Reduction reduction) {
            this.reduction = Objects.requireNonNull(reduction, "reduction");
            return this;
        }

        /** Weight of the positive class in [0, 1]; a negative value disables the weighting (torchvision). */
        public Builder alpha(double alpha) {
            if (!(alpha <= 1) || Double.isNaN(alpha) || Double.isInfinite(alpha)) {
                throw new IllegalArgumentException("alpha must be <= 1 (negative to disable) but is " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /** Focusing exponent, finite and >= 0 (0 gives alpha-weighted BCE). */
        public Builder gamma(double gamma) {
            if (!(gamma >= 0 && gamma < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("gamma must be finite and >= 0 but is " + gamma);
            }
            this.gamma = gamma;
            return this;
        }

        public FocalLoss build() {
            return new FocalLoss(this);
        }
    }
}
