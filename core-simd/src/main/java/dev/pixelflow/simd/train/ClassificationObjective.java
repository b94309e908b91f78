package dev.pixelflow.simd.train;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.InfogainLoss;
import dev.pixelflow.simd.loss.SoftmaxCrossEntropy;
import dev.pixelflow.simd.metrics.ConfusionMatrix;
import dev.pixelflow.simd.metrics.EmptyClassPolicy;
import dev.pixelflow.simd.metrics.SegmentationMetrics;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Class scores against class-index labels: per-pixel ({@code [B, C, H, W]} with labels {@code [B, H, W]} or
 * {@code [B, 1, H, W]}) or per-sample ({@code [N, C]} with labels {@code [N]}), by softmax cross-entropy or the
 * infogain loss.
 */
final class ClassificationObjective implements Objective<Tensor> {
    private final @Nullable SoftmaxCrossEntropy crossEntropy;
    private final @Nullable InfogainLoss infogain;
    private @Nullable ConfusionMatrix confusion;
    private Map<String, Double> metrics = Map.of();

    ClassificationObjective(@Nullable SoftmaxCrossEntropy crossEntropy, @Nullable InfogainLoss infogain) {
        this.crossEntropy = crossEntropy;
        this.infogain = infogain;
    }

    @Override
    public double lossAndGradient(Tensor output, Tensor labels, Tensor grad) {
        double l;
        if (crossEntropy != null) {
            l = crossEntropy.forward(output, labels, grad, null);
        } else {
            l = infogain.forward(output, labels, grad);
        }
        int classes = output.dim(1);
        if (confusion == null || confusion.classes() != classes) {
            ConfusionMatrix.Builder b = ConfusionMatrix.builder(classes);
            int ignore = crossEntropy != null ? crossEntropy.ignoreIndex() : -1;
            if (ignore < 0 || ignore >= classes) {
                b.ignoreLabel(ignore);
            }
            confusion = b.build();
        }
        confusion.reset();
        Tensor scores = output.rank() == 2 ? output.reshape(output.dim(0), classes, 1, 1) : output;
        Tensor y = output.rank() == 2 ? labels.reshape(labels.dim(0), 1, 1) : labels;
        confusion.addArgmax(scores, y);
        SegmentationMetrics m = confusion.metrics(EmptyClassPolicy.SKIP);
        metrics = Map.of("accuracy", m.pixelAccuracy(), "meanIoU", m.meanIoU(), "balancedAccuracy",
                m.balancedAccuracy());
        return l;
    }

    @Override
    public Map<String, Double> metrics() {
        return metrics;
    }
}
