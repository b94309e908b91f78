package dev.pixelflow.simd.optim;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.Kernels;
import java.util.List;

/**
 * Stochastic gradient descent as PyTorch's {@code torch.optim.SGD} (not maximizing). Per element, with gradient
 * {@code g}, parameter {@code p} and learning rate {@code lr}:
 *
 * <pre>
 * d = g + weightDecay * p                        (decaying parameters only; L2 added to the gradient)
 * if momentum != 0:
 *     buf = (t == 1) ? d : momentum * buf + (1 - dampening) * d
 *     d = nesterov ? d + momentum * buf : buf
 * p = p - lr * d
 * </pre>
 *
 * State: {@code "momentum_buffer"} (only with momentum), laid out like {@code Model.values()}.
 */
public final class Sgd extends FlatOptimizer {
    private static final List<String> MOMENTUM = List.of("momentum_buffer");

    private final float momentum;
    private final float dampening;
    private final boolean nesterov;
    private final float weightDecay;

    private Sgd(Builder b, Kernels k) {
        super(k);
        this.momentum = (float) b.momentum;
        this.dampening = (float) b.dampening;
        this.nesterov = b.nesterov;
        this.weightDecay = (float) b.weightDecay;
    }

    /** Plain SGD: no momentum, no weight decay. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String type() {
        return "sgd";
    }

    @Override
    public List<String> stateNames() {
        return momentum == 0f ? List.of() : MOMENTUM;
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
    }

    public double weightDecay() {
        return weightDecay;
    }

    @Override
    void update(Tensor values, Tensor gradients, Tensor[] state, double lr, boolean first) {
        var p = values.segment();
        var g = gradients.segment();
        var buf = momentum == 0f ? null : state[0].segment();
        for (int r = 0; r < runStart.length; r++) {
            kernels.sgdUpdate(p, g, buf, runStart[r], runLength[r], (float) lr, runDecays[r] ? weightDecay : 0f,
                    momentum, dampening, nesterov, first);
        }
    }

    @Override
    public String toString() {
        return "Sgd[momentum=" + momentum + ", dampening=" + dampening + ", nesterov=" + nesterov + ", weightDecay="
                + weightDecay + ", steps=" + steps + "]";
    }

    /** Options; defaults as PyTorch: momentum 0, dampening 0, no Nesterov, weight decay 0. */
    public static final class Builder {
        private double momentum;
        private double dampening;
        private boolean nesterov;
        private double weightDecay;
        private Ops.Provider provider = Ops.Provider.AUTO;

        private Builder() {
        }

        /** Momentum factor in [0, 1). */
        public Builder momentum(double momentum) {
            this.momentum = Kernel.check("momentum", momentum, 0, true, 1, false);
            return this;
        }

        /** Dampening of the momentum in [0, 1]. */
        public Builder dampening(double dampening) {
            this.dampening = Kernel.check("dampening", dampening, 0, true, 1, true);
            return this;
        }

        /** Nesterov momentum; needs momentum > 0 and dampening 0 (checked by {@link #build()}). */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /** L2 weight decay >= 0, applied to parameters whose {@code decays()} is true. */
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

        public Sgd build() {
            if (nesterov && (momentum == 0 || dampening != 0)) {
                throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening 0, got "
                        + "momentum " + momentum + ", dampening " + dampening);
            }
            return new Sgd(this, Kernel.of(provider));
        }
    }
}
