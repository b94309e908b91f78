package dev.pixelflow.simd.optim;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.Kernels;
import java.util.List;

/**
 * Adam and AdamW as PyTorch's {@code torch.optim.Adam} and {@code torch.optim.AdamW} (no amsgrad, not
 * maximizing). Per element at step {@code t} (1 for the first step), with learning rate {@code lr}:
 *
 * <pre>
 * AdamW (decoupled): p = p * (1 - lr * weightDecay)       Adam: g = g + weightDecay * p
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * Weight decay touches only parameters whose {@code decays()} is true. Bias corrections are computed in double,
 * the per-element update in float. State: {@code "exp_avg"} (m) and {@code "exp_avg_sq"} (v), laid out like
 * {@code Model.values()}; {@code t} is {@link #steps()}.
 */
public final class Adam extends FlatOptimizer {
    private static final List<String> STATE = List.of("exp_avg", "exp_avg_sq");

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;

    private Adam(Builder b, Kernels k) {
        super(k);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.weightDecay = b.weightDecay;
        this.decoupled = b.decoupled;
    }

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0 (L2, added to the gradient). */
    public static Builder builder() {
        return new Builder(false, 0);
    }

    /** AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, decoupled weight decay 0.01. */
    public static Builder adamW() {
        return new Builder(true, 0.01);
    }

    /** {@code "adamw"} with decoupled weight decay, else {@code "adam"}. */
    @Override
    public String type() {
        return decoupled ? "adamw" : "adam";
    }

    @Override
    public List<String> stateNames() {
        return STATE;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public boolean decoupled() {
        return decoupled;
    }

    @Override
    void update(Tensor values, Tensor gradients, Tensor[] state, double lr, boolean first) {
        long t = steps;
        float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
        var p = values.segment();
        var g = gradients.segment();
        var m = state[0].segment();
        var v = state[1].segment();
        for (int r = 0; r < runStart.length; r++) {
            double wd = runDecays[r] ? weightDecay : 0;
            float l2 = decoupled ? 0f : (float) wd;
            float scale = decoupled ? (float) (1 - lr * wd) : 1f;
            kernels.adamUpdate(p, g, m, v, runStart[r], runLength[r], (float) beta1, (float) (1 - beta1),
                    (float) beta2, (float) (1 - beta2), stepSize, bc2Sqrt, (float) eps, l2, scale);
        }
    }

    @Override
    public String toString() {
        return (decoupled ? "AdamW" : "Adam") + "[betas=(" + beta1 + ", " + beta2 + "), eps=" + eps
                + ", weightDecay=" + weightDecay + ", steps=" + steps + "]";
    }

    /** Options of {@link Adam}. */
    public static final class Builder {
        private final boolean decoupled;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double weightDecay;
        private Ops.Provider provider = Ops.Provider.AUTO;

        private Builder(boolean decoupled, double weightDecay) {
            this.decoupled = decoupled;
            this.weightDecay = weightDecay;
        }

        /** Decay rates of the moment estimates, each in [0, 1). */
        public Builder betas(double beta1, double beta2) {
            this.beta1 = Kernel.check("beta1", beta1, 0, true, 1, false);
            this.beta2 = Kernel.check("beta2", beta2, 0, true, 1, false);
            return this;
        }

        /** Term added to the denominator, > 0 and finite. */
        public Builder eps(double eps) {
            this.eps = Kernel.check("eps", eps, 0, false, Double.POSITIVE_INFINITY, false);
            return this;
        }

        /** Weight decay >= 0: L2 added to the gradient for Adam, decoupled for AdamW. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = Kernel.check("weight decay", weightDecay, 0, true, Double.POSITIVE_INFINITY, false);
            return this;
        }

        /** Which kernels run the update (default AUTO). */
        public Builder kernels(Ops.Provider provider) {
            Kernel.of(provider);
            this.provider = provider;
            return this;
        }

        public Adam build() {
            return new Adam(this, Kernel.of(provider));
        }
    }
}
