package dev.pixelflow.simd.train;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.L1Loss;
import dev.pixelflow.simd.loss.MseLoss;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Regression of the output onto a target of the same shape (denoising, reconstruction) with MSE or L1. */
final class RegressionObjective implements Objective<Tensor> {
    private final @Nullable MseLoss mse;
    private final @Nullable L1Loss l1;
    private Map<String, Double> metrics = Map.of();

    RegressionObjective(@Nullable MseLoss mse, @Nullable L1Loss l1) {
        this.mse = mse;
        this.l1 = l1;
    }

    @Override
    public double lossAndGradient(Tensor output, Tensor target, Tensor grad) {
        double l = mse != null ? mse.forward(output, target, grad, null) : l1.forward(output, target, grad, null);
        metrics = Map.of(mse != null ? "mse" : "l1", l);
        return l;
    }

    @Override
    public Map<String, Double> metrics() {
        return metrics;
    }
}
