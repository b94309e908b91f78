package dev.pixelflow.simd.train;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one {@link Trainer#step training step}.
 *
 * @param step the trainer's step count after this step (skipped steps are counted too)
 * @param loss the batch loss before the update
 * @param applied false when the step was skipped (see {@code skipReason}) and the weights are untouched
 * @param skipReason why the step was skipped ({@code null} when applied), e.g. a non-finite loss or gradient
 * @param gradientNorm global L2 norm of the gradient before clipping
 * @param learningRate the rate used for this step
 * @param metrics the objective's metrics of this batch (before the update)
 * @param forwardNanos time of the forward pass and the loss
 * @param backwardNanos time of the backward pass
 * @param updateNanos time of clipping, the guard and the optimizer update
 */
public record StepResult(long step, double loss, boolean applied, @Nullable String skipReason, double gradientNorm,
                         double learningRate, Map<String, Double> metrics, long forwardNanos, long backwardNanos,
                         long updateNanos) {
    public StepResult {
        metrics = Map.copyOf(metrics);
    }

    /** A metric of this step, or NaN when the objective did not report it. */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }

    /** Total time of the step in nanoseconds. */
    public long totalNanos() {
        return forwardNanos + backwardNanos + updateNanos;
    }
}
