package dev.pixelflow.simd.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.SoftmaxCrossEntropy;
import dev.pixelflow.simd.models.Mlp;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.optim.Adam;
import dev.pixelflow.simd.optim.Optimizer;
import dev.pixelflow.simd.train.Objectives;
import dev.pixelflow.simd.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * User guide, question 6 (docs/06-fitting-an-image-from-coordinates.md): an image as a function of its pixel
 * coordinates. The full experiment (a two-arm spiral, 1 vs 3 hidden layers vs RBF units) is
 * {@code learning/PixelCoordinatesLearningTest}; this is the short version on a disc.
 */
class Q6CoordinatesToColourTest {
    private static final Ops OPS = Ops.builder().threads(2).build();
    private static final int SIZE = 16;

    @Test
    void moreCapacityFitsWhatALinearModelCannot() {
        // one sample per pixel: input (x, y) in [-1, 1] as [256, 2], target the colour class as [256]
        try (Tensor xy = Tensor.zeros(SIZE * SIZE, 2); Tensor colour = Tensor.zeros(SIZE * SIZE)) {
            for (int i = 0; i < SIZE; i++) {
                for (int j = 0; j < SIZE; j++) {
                    float x = (j + 0.5f) / SIZE * 2 - 1;
                    float y = (i + 0.5f) / SIZE * 2 - 1;
                    xy.set(x, i * SIZE + j, 0);
                    xy.set(y, i * SIZE + j, 1);
                    colour.setFlat(i * SIZE + j, x * x + y * y < 0.36f ? 1f : 0f);   // a disc of radius 0.6
                }
            }
            double linear = fit(Mlp.builder(2, 2).build(), xy, colour, 40);              // no hidden layer
            double rbf = fit(Mlp.builder(2, 2).rbf(32, 10).hidden(16).build(), xy, colour, 60);
            // a straight boundary cannot cut a disc out: the best it does is to call every pixel background
            assertTrue(linear < 0.8, "linear " + linear);
            // 32 RBF units exp(-gamma |xy - c|^2) are local bumps: together they draw the disc
            assertTrue(rbf > 0.97, "rbf " + rbf);
            // the deeper alternative: three hidden layers of 100 (see PixelCoordinatesLearningTest)
            try (Model deep = Model.create(Mlp.builder(2, 2).hidden(100, 100, 100).build(), 7)) {
                assertEquals(2 * 100 + 100 + 2 * (100 * 100 + 100) + 100 * 2 + 2, deep.parameterCount());
            }
        }
    }

    /** Softmax cross-entropy on the class labels, Adam, full-batch steps; returns the accuracy on all pixels. */
    private static double fit(Mlp architecture, Tensor xy, Tensor colour, int steps) {
        try (Model model = Model.create(architecture, 7); Optimizer adam = Adam.builder().build();
             Trainer<Tensor> trainer = Trainer.builder(model,
                     Objectives.classification(SoftmaxCrossEntropy.defaults()), adam)
                     .ops(OPS).learningRate(0.01).build()) {
            for (int step = 0; step < steps; step++) {
                trainer.step(xy, colour);
            }
            Tensor logits = trainer.predict(xy);                                         // [256, 2]
            int correct = 0;
            for (int n = 0; n < xy.dim(0); n++) {
                int predicted = logits.get(n, 1) > logits.get(n, 0) ? 1 : 0;
                correct += predicted == (int) colour.getFlat(n) ? 1 : 0;
            }
            return correct / (double) xy.dim(0);
        }
    }
}
