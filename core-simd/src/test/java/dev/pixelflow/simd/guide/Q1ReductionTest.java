package dev.pixelflow.simd.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.loss.BinaryCrossEntropyProbabilities;
import dev.pixelflow.simd.loss.Reduction;
import org.junit.jupiter.api.Test;

/** User guide, question 1 (docs/01-per-pixel-loss-reduction.md): summed or averaged per-pixel loss. */
class Q1ReductionTest {

    private static BinaryCrossEntropy bce(Reduction reduction) {
        return BinaryCrossEntropy.builder().reduction(reduction).build();
    }

    @Test
    void sumMeanAndTheirGradients() {
        // two images of 1 channel and 2x2 pixels: logits and targets are [B, C, H, W] = [2, 1, 2, 2]
        try (Tensor logits = Tensor.of(new float[] {0f, 2f, -1f, 0.5f, 3f, -2f, 1f, -0.5f}, 2, 1, 2, 2);
             Tensor target = Tensor.of(new float[] {1, 0, 1, 0, 1, 1, 0, 0}, 2, 1, 2, 2);
             Tensor map = Tensor.zeros(2, 1, 2, 2);
             Tensor gradSum = Tensor.zeros(2, 1, 2, 2);
             Tensor gradMean = Tensor.zeros(2, 1, 2, 2)) {
            // NONE: the per-pixel map l = max(x,0) - x*y + log(1 + exp(-|x|))
            bce(Reduction.NONE).forward(logits, target, null, null, null, map);
            assertEquals(0.693147f, map.getFlat(0), 1e-6f);   // x = 0, y = 1: log 2
            assertEquals(2.126928f, map.getFlat(1), 1e-6f);   // x = 2, y = 0: log(1 + e^2)

            float sum = bce(Reduction.SUM).forward(logits, target, null, null, gradSum, null);
            float mean = bce(Reduction.MEAN).forward(logits, target, null, null, gradMean, null);
            assertEquals(9.070268f, sum, 1e-5f);              // PyTorch reduction='sum'
            assertEquals(1.133783f, mean, 1e-6f);             // PyTorch reduction='mean' (the default)
            assertEquals(sum / 8, mean, 1e-6f);               // MEAN = SUM / N, N = B*C*H*W = 8

            // the gradient scales the same way: dMEAN/dx = (sigmoid(x) - y) / N
            assertEquals(-0.5f, gradSum.getFlat(0), 1e-6f);
            for (int i = 0; i < 8; i++) {
                assertEquals(gradSum.getFlat(i) / 8, gradMean.getFlat(i), 1e-7f);
            }
        }
    }

    @Test
    void meanPerImageDiffersFromMeanWhenImagesCountDifferentPixels() {
        try (Tensor logits = Tensor.of(new float[] {0f, 2f, -1f, 0.5f, 3f, -2f, 1f, -0.5f}, 2, 1, 2, 2);
             Tensor target = Tensor.of(new float[] {1, 0, 1, 0, 1, 1, 0, 0}, 2, 1, 2, 2);
             // 1 = ignore: image 0 counts 4 pixels, image 1 counts only its first pixel
             Tensor ignore = Tensor.of(new float[] {0, 0, 0, 0, 0, 1, 1, 1}, 2, 1, 2, 2)) {
            float mean = bce(Reduction.MEAN).forward(logits, target, null, ignore, null, null);
            float perImage = bce(Reduction.MEAN_PER_IMAGE).forward(logits, target, null, ignore, null, null);
            // MEAN: (sum over the 5 counted pixels) / 5 -- every pixel weighs the same
            assertEquals((0.693147 + 2.126928 + 1.313262 + 0.974077 + 0.048587) / 5, mean, 1e-6);
            // MEAN_PER_IMAGE: (mean of image 0 + mean of image 1) / 2 -- every image weighs the same
            assertEquals(((0.693147 + 2.126928 + 1.313262 + 0.974077) / 4 + 0.048587) / 2, perImage, 1e-6);
        }
    }

    @Test
    void theMeanDoesNotGrowWithImageOrBatchSize() {
        // the same per-pixel situation (logit 1, target 0) on a 4x4 and on a 2 x 8x8 batch
        try (Tensor small = Tensor.zeros(1, 1, 4, 4).fill(1f); Tensor smallY = Tensor.zeros(1, 1, 4, 4);
             Tensor large = Tensor.zeros(2, 1, 8, 8).fill(1f); Tensor largeY = Tensor.zeros(2, 1, 8, 8)) {
            assertEquals(bce(Reduction.MEAN).forward(small, smallY), bce(Reduction.MEAN).forward(large, largeY),
                    1e-6f);
            assertEquals(8 * bce(Reduction.SUM).forward(small, smallY), bce(Reduction.SUM).forward(large, largeY),
                    1e-4f);
        }
    }

    @Test
    void kerasProbabilityCheckValues() {
        // Keras BinaryCrossentropy documentation example, on probabilities (after a sigmoid), [B, D] = [2, 2]
        try (Tensor p = Tensor.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2);
             Tensor y = Tensor.of(new float[] {0, 1, 0, 0}, 2, 2)) {
            var mean = BinaryCrossEntropyProbabilities.builder().reduction(Reduction.MEAN).build();
            assertEquals(0.815, mean.forward(p, y), 1e-3);        // Keras default (sum_over_batch_size)
            assertEquals(1.630, mean.kerasSum(p, y), 1e-3);       // Keras reduction='sum'
        }
    }
}
