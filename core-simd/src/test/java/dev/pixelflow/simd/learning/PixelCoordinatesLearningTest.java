package dev.pixelflow.simd.learning;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.SoftmaxCrossEntropy;
import dev.pixelflow.simd.models.Mlp;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.optim.Adam;
import dev.pixelflow.simd.optim.LearningRateSchedule;
import dev.pixelflow.simd.optim.Optimizer;
import dev.pixelflow.simd.train.Objectives;
import dev.pixelflow.simd.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * Fitting a two-colour image from pixel coordinates: 6400 samples (an 80x80 image of two interleaved spiral arms,
 * {@link TwoArmSpiral}), input {@code (x, y)} in [-1, 1], target the colour, softmax cross-entropy on two logits,
 * mini-batches of 256, Adam with a cosine-annealed rate. Under one training budget a single hidden layer of 100 ReLU
 * units stays well short of fitting the image: its logit is a sum of 100 ridge functions (each varies along one
 * direction only), and a boundary that winds around the centre needs far more of them; with 250 epochs at a
 * constant rate it still stayed near 70%. Three hidden layers of 100 compose folds of folds and fit it, and so
 * does a first layer of RBF units, local bumps that tile the plane.
 */
class PixelCoordinatesLearningTest {
    private static final Ops OPS = Ops.builder().threads(2).build();
    private static final int SIZE = 80;
    private static final double TURNS = 1.6;
    private static final int BATCH = 256;
    private static final int EPOCHS = 80;
    /** Adam's peak rate, annealed along a cosine to RATE / 50 over the run. */
    private static final double RATE = 0.01;
    private static final long SEED = 7;

    @Test
    void depthOrRbfUnitsFitTheImageWhereOneHiddenLayerCannot() {
        try (Tensor xy = TwoArmSpiral.coordinates(SIZE); Tensor colour = TwoArmSpiral.colours(xy, TURNS)) {
            long t0 = System.nanoTime();
            double shallow = trainingAccuracy(Mlp.builder(2, 2).hidden(100).build(), xy, colour);
            long t1 = System.nanoTime();
            double deep = trainingAccuracy(Mlp.builder(2, 2).hidden(100, 100, 100).build(), xy, colour);
            long t2 = System.nanoTime();
            double rbf = trainingAccuracy(Mlp.builder(2, 2).rbf(100, 20).hidden(100).build(), xy, colour);
            long t3 = System.nanoTime();
            System.out.printf("pixel coordinates, %d epochs of %d: training accuracy 2-100-2 %.4f (%.1f s),"
                    + " 2-100-100-100-2 %.4f (%.1f s), RBF %.4f (%.1f s)%n", EPOCHS, BATCH, shallow, (t1 - t0) / 1e9,
                    deep, (t2 - t1) / 1e9, rbf, (t3 - t2) / 1e9);
            assertTrue(shallow < 0.9, "one hidden layer of 100 should not fit the spiral: " + shallow);
            assertTrue(deep >= 0.95, "three hidden layers of 100 should fit the spiral: " + deep);
            assertTrue(rbf >= 0.95, "an RBF layer should fit the spiral: " + rbf);
        }
    }

    /** Trains a fresh model on shuffled mini-batches for the fixed budget; returns its accuracy on all pixels. */
    private static double trainingAccuracy(Mlp architecture, Tensor xy, Tensor colour) {
        int steps = EPOCHS * (xy.dim(0) / BATCH);
        try (Model model = Model.create(architecture, SEED);
             Optimizer adam = Adam.builder().build();
             Trainer<Tensor> trainer = Trainer.builder(model, Objectives.classification(SoftmaxCrossEntropy.defaults()),
                     adam).ops(OPS).schedule(LearningRateSchedule.cosine(RATE, RATE / 50, steps)).build();
             MiniBatches batches = new MiniBatches(xy, colour, BATCH, SEED + 11)) {
            for (int s = 0; s < steps; s++) {
                batches.next();
                trainer.step(batches.inputs(), batches.targets());
            }
            Tensor logits = trainer.predict(xy);
            int right = 0;
            for (int p = 0; p < xy.dim(0); p++) {
                int predicted = logits.get(p, 1) > logits.get(p, 0) ? 1 : 0;
                if (predicted == (int) colour.getFlat(p)) {
                    right++;
                }
            }
            return right / (double) xy.dim(0);
        }
    }
}
