package dev.pixelflow.simd.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.nn.ActivationLayer;
import dev.pixelflow.simd.nn.Conv2d;
import dev.pixelflow.simd.nn.MaxPool2d;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.Pass;
import dev.pixelflow.simd.nn.Sequential;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** User guide, question 3 (docs/03-what-a-cnn-compares.md): what a CNN compares when it learns its filters. */
class Q3WhatACnnComparesTest {
    private static final Ops OPS = Ops.builder().threads(2).build();

    @Test
    void theFirstFiltersGradientIsTheSlopeOfTheFinalLoss() {
        Conv2d first = Conv2d.same(1, 2, 3);                   // 2 filters of 3x3 on the image
        Conv2d last = Conv2d.same(2, 1, 3);                    // 1 output map (per-pixel logits)
        BinaryCrossEntropy bce = BinaryCrossEntropy.builder().build();   // MEAN over output pixels
        // input [1, 1, 8, 8] -> conv -> tanh -> 2x2 max pool -> [1, 2, 4, 4] -> conv -> logits [1, 1, 4, 4]
        try (Model model = Model.create(Sequential.of(first, ActivationLayer.tanh(), MaxPool2d.of(2), last), 3);
             Pass pass = model.newPass(OPS);
             Tensor image = Tensor.zeros(1, 1, 8, 8); Tensor label = Tensor.zeros(1, 1, 4, 4);
             Tensor grad = Tensor.zeros(1, 1, 4, 4)) {
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < 64; i++) {
                image.setFlat(i, (float) r.nextDouble(-1, 1));
            }
            for (int i = 0; i < 16; i++) {
                label.setFlat(i, r.nextInt(2));
            }

            // the loss compares only the final output with the label ...
            Tensor logits = pass.forward(image, true, 0);
            bce.forward(logits, label, null, null, grad, null);  // grad = dLoss/dlogits
            pass.backward(grad);                                 // ... and back-propagates through every layer
            Tensor analytic = model.gradient(first.weight());    // dLoss/dW of the FIRST filters, [2, 1, 3, 3]

            // finite differences: nudge one weight of the first filter, rerun the network, watch the final loss
            Tensor w = model.value(first.weight());
            double h = 1e-2;
            for (int i = 0; i < w.size(); i++) {
                float w0 = w.getFlat(i);
                w.setFlat(i, (float) (w0 + h));
                double up = bce.forward(pass.predict(image), label);
                w.setFlat(i, (float) (w0 - h));
                double down = bce.forward(pass.predict(image), label);
                w.setFlat(i, w0);
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, analytic.getFlat(i), 2e-4 + 0.02 * Math.abs(numeric), "weight " + i);
            }
            assertTrue(maxAbs(analytic) > 1e-3, "the first filters do get a gradient");
        }
    }

    @Test
    void maxPoolingSendsTheGradientToTheWinningPixel() {
        // 2x2 max pooling of a [1, 1, 2, 4] image: two windows; the gradient goes to each window's maximum
        Conv2d identity = Conv2d.builder(1, 1, 1).bias(false).build();
        try (Model model = Model.create(Sequential.of(identity, MaxPool2d.of(2)), 0);
             Pass pass = model.newPass(OPS);
             Tensor image = Tensor.of(new float[] {1, 5, 2, 0, 3, 4, 9, 7}, 1, 1, 2, 4);
             Tensor dy = Tensor.of(new float[] {1, 1}, 1, 1, 1, 2)) {
            model.value(identity.weight()).fill(1f);
            Tensor pooled = pass.forward(image, true, 0);
            assertEquals(5f, pooled.getFlat(0));
            assertEquals(9f, pooled.getFlat(1));
            Tensor dx = pass.backwardToInput(dy);
            assertEquals(java.util.Arrays.toString(new float[] {0, 1, 0, 0, 0, 0, 1, 0}),
                    java.util.Arrays.toString(dx.toArray()));
        }
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.toArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
