package dev.pixelflow.simd.train;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.metrics.ConfusionMatrix;
import dev.pixelflow.simd.metrics.EmptyClassPolicy;
import dev.pixelflow.simd.metrics.SegmentationMetrics;
import java.util.Map;

/** Binary segmentation: logits {@code [B, 1, H, W]} against 0/1 masks of the same shape, per-pixel BCE. */
final class BinarySegmentationObjective implements Objective<Tensor> {
    private final BinaryCrossEntropy loss;
    private final ConfusionMatrix confusion = ConfusionMatrix.of(2);
    private Map<String, Double> metrics = Map.of();

    BinarySegmentationObjective(BinaryCrossEntropy loss) {
        this.loss = loss;
    }

    @Override
    public double lossAndGradient(Tensor output, Tensor mask, Tensor grad) {
        if (output.rank() != 4 || output.dim(1) != 1) {
            throw new IllegalArgumentException("binary segmentation needs logits [B, 1, H, W], got "
                    + output.shapeString());
        }
        double l = loss.forward(output, mask, null, null, grad, null);
        confusion.reset();
        confusion.addBinaryLogits(output, mask);
        SegmentationMetrics m = confusion.metrics(EmptyClassPolicy.SKIP);
        metrics = Map.of("objectIoU", m.iou()[1], "objectRecall", m.recall()[1], "pixelAccuracy",
                m.pixelAccuracy());
        return l;
    }

    @Override
    public Map<String, Double> metrics() {
        return metrics;
    }
}
