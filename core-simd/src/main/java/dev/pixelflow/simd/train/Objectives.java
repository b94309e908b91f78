package dev.pixelflow.simd.train;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.loss.InfogainLoss;
import dev.pixelflow.simd.loss.SoftmaxCrossEntropy;
import dev.pixelflow.simd.loss.L1Loss;
import dev.pixelflow.simd.loss.MseLoss;
import dev.pixelflow.simd.mining.BatchAllTripletLoss;
import dev.pixelflow.simd.mining.BatchHardTripletLoss;
import dev.pixelflow.simd.mining.SemiHardTripletLoss;
import java.util.Objects;

/** Ready-made {@link Objective}s for pixelflow's tasks. Each returns a new objective (they keep per-batch state). */
public final class Objectives {
    private Objectives() {
    }

    /**
     * Binary segmentation: logits {@code [B, 1, H, W]}, 0/1 masks of the same shape, the given per-pixel binary
     * cross-entropy (its reduction and {@code posWeight} decide how the object class is weighted). Metrics:
     * {@code objectIoU}, {@code objectRecall}, {@code pixelAccuracy} (read IoU, not accuracy, for small objects).
     */
    public static Objective<Tensor> binarySegmentation(BinaryCrossEntropy loss) {
        return new BinarySegmentationObjective(Objects.requireNonNull(loss, "loss"));
    }

    /**
     * Classification by softmax cross-entropy: per pixel (scores {@code [B, C, H, W]}, labels {@code [B, H, W]} or
     * {@code [B, 1, H, W]}) or per sample (scores {@code [N, C]}, labels {@code [N]}); labels are integral floats.
     * Metrics: {@code accuracy} (pixel or sample), {@code meanIoU}, {@code balancedAccuracy}.
     */
    public static Objective<Tensor> classification(SoftmaxCrossEntropy loss) {
        return new ClassificationObjective(Objects.requireNonNull(loss, "loss"), null);
    }

    /** Classification by Caffe's infogain loss (an L x L matrix H weighs each confusion); metrics as above. */
    public static Objective<Tensor> classification(InfogainLoss loss) {
        return new ClassificationObjective(null, Objects.requireNonNull(loss, "loss"));
    }

    /** Regression onto a target shaped like the output (e.g. the clean image of a denoiser). Metric {@code mse}. */
    public static Objective<Tensor> regression(MseLoss loss) {
        return new RegressionObjective(Objects.requireNonNull(loss, "loss"), null);
    }

    /** Regression with the L1 loss. Metric {@code l1}. */
    public static Objective<Tensor> regression(L1Loss loss) {
        return new RegressionObjective(null, Objects.requireNonNull(loss, "loss"));
    }

    /**
     * Embeddings {@code [N, D]} with identity labels, batch-hard mining. Metrics: {@code activeTripletFraction},
     * {@code meanPositiveDistance}, {@code meanNegativeDistance}, {@code validAnchors}, {@code collapsed} (1 or 0).
     */
    public static Objective<int[]> triplet(BatchHardTripletLoss loss) {
        return new TripletObjective(Objects.requireNonNull(loss, "loss")::forward);
    }

    /** Embeddings with batch-all mining; metrics as {@link #triplet(BatchHardTripletLoss)}. */
    public static Objective<int[]> triplet(BatchAllTripletLoss loss) {
        return new TripletObjective(Objects.requireNonNull(loss, "loss")::forward);
    }

    /** Embeddings with semi-hard mining (FaceNet); metrics as {@link #triplet(BatchHardTripletLoss)}. */
    public static Objective<int[]> triplet(SemiHardTripletLoss loss) {
        return new TripletObjective(Objects.requireNonNull(loss, "loss")::forward);
    }
}
