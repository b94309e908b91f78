package dev.pixelflow.simd.train;

import dev.pixelflow.simd.Tensor;
import java.util.Map;

/**
 * What a {@link Trainer} minimizes: a loss of the network's output against the batch's targets, with its gradient,
 * and the metrics of that batch.
 *
 * <p>Implementations may keep reusable state (a confusion matrix, scratch buffers): a trainer calls its objective
 * from one thread. Ready-made objectives are in {@link Objectives}.
 *
 * @param <T> the target type: a mask or label tensor, an {@code int[]} of identities, a clean image...
 */
public interface Objective<T> {
    /**
     * The loss of {@code output} against {@code target}, writing {@code dLoss/dOutput} into {@code grad} (shaped like
     * {@code output}, contents on entry unspecified).
     *
     * @throws IllegalArgumentException when the target does not fit the output (the message names both shapes)
     */
    double lossAndGradient(Tensor output, T target, Tensor grad);

    /**
     * Metrics of the batch last passed to {@link #lossAndGradient}, measured on the predictions made before the
     * update (e.g. {@code objectIoU}, {@code pixelAccuracy}, {@code activeTripletFraction}). Empty by default.
     */
    default Map<String, Double> metrics() {
        return Map.of();
    }
}
