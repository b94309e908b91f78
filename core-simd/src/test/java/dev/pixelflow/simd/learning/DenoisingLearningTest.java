package dev.pixelflow.simd.learning;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.MseLoss;
import dev.pixelflow.simd.models.DenoisingAutoencoder;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.norm.DenoisingNormalization;
import dev.pixelflow.simd.norm.NormScope;
import dev.pixelflow.simd.norm.Normalizer;
import dev.pixelflow.simd.norm.NormalizerSpec;
import dev.pixelflow.simd.optim.Adam;
import dev.pixelflow.simd.optim.Optimizer;
import dev.pixelflow.simd.train.Objectives;
import dev.pixelflow.simd.train.Trainer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * How to normalize a denoising autoencoder's data: z-score each NOISY input image (the only thing available at
 * inference) and apply that same transform to its clean target, so input and target share one coordinate system;
 * the network then regresses z-scored clean images with an identity output and MSE.
 *
 * <p>Data: 1x32x32 piecewise-smooth images (gradients and soft-edged shapes, {@link SmoothShapes}), corrupted by
 * Gaussian noise and salt-and-pepper outliers ({@link ImageNoise}). Training draws fresh images every step;
 * evaluation is on a held-out batch from another seed. All MSEs are in the normalized units of each noisy image.
 */
class DenoisingLearningTest {
    private static final Ops OPS = Ops.builder().threads(2).build();
    private static final int SIDE = 32;
    private static final int BATCH = 16;
    private static final int STEPS = 300;
    private static final int WIDTH = 8;
    private static final double RATE = 0.003;
    private static final double SIGMA = 0.15;
    private static final double OUTLIERS = 0.02;

    @Test
    void identityOutputDenoisesZScoredImagesAndSigmoidCannot() {
        Normalizer zScore = Normalizer.of(NormalizerSpec.zScore(NormScope.PER_IMAGE));
        try (Tensor noisy = Tensor.zeros(32, 1, SIDE, SIDE); Tensor clean = Tensor.zeros(32, 1, SIDE, SIDE)) {
            heldOut(zScore, noisy, clean);
            double input = mse(noisy, clean);
            double reachable = unreachableByASigmoid(clean);
            long t0 = System.nanoTime();
            double identity = trainAndEvaluate(Activation.IDENTITY, zScore, noisy, clean);
            long t1 = System.nanoTime();
            double sigmoid = trainAndEvaluate(Activation.SIGMOID, zScore, noisy, clean);
            long t2 = System.nanoTime();
            System.out.printf("denoising, held-out MSE to the clean target (z-scored units): noisy input %.4f,"
                    + " identity output %.4f (%.1f s), sigmoid output %.4f (%.1f s), best any (0, 1) output can"
                    + " do %.4f%n", input, identity, (t1 - t0) / 1e9, sigmoid, (t2 - t1) / 1e9, reachable);
            assertTrue(identity <= 0.5 * input, "the denoiser should at least halve the noisy input's MSE "
                    + input + ", got " + identity);
            // z-scored targets are negative for every pixel darker than its image's mean (about half of them); a
            // sigmoid output lives in (0, 1) and cannot reach those, nor anything above 1, however long it trains:
            // its MSE stays above that of the target clamped to [0, 1] (printed as "best any (0, 1) output")
            assertTrue(sigmoid >= 3 * identity, "a sigmoid output should be clearly worse on z-scored targets:"
                    + " sigmoid " + sigmoid + ", identity " + identity);
        }
    }

    /** The held-out batch: noisy images and their clean originals, both z-scored with the noisy image's stats. */
    private static void heldOut(Normalizer zScore, Tensor noisy, Tensor clean) {
        SplittableRandom r = new SplittableRandom(99);
        SmoothShapes.render(clean, r);
        ImageNoise.corrupt(clean, noisy, SIGMA, OUTLIERS, r);
        DenoisingNormalization.apply(zScore, noisy, clean, noisy, clean);
    }

    /** Trains a fresh denoiser with the given output activation; returns its MSE on the held-out batch. */
    private static double trainAndEvaluate(Activation output, Normalizer zScore, Tensor testNoisy, Tensor testClean) {
        SplittableRandom r = new SplittableRandom(5);
        try (Model model = Model.create(DenoisingAutoencoder.builder().width(WIDTH).output(output).build(), 3);
             Optimizer adam = Adam.builder().build();
             Trainer<Tensor> trainer = Trainer.builder(model, Objectives.regression(MseLoss.builder().build()), adam)
                     .ops(OPS).learningRate(RATE).build();
             Tensor noisy = Tensor.zeros(BATCH, 1, SIDE, SIDE); Tensor clean = Tensor.zeros(BATCH, 1, SIDE, SIDE)) {
            for (int s = 0; s < STEPS; s++) {
                SmoothShapes.render(clean, r);
                ImageNoise.corrupt(clean, noisy, SIGMA, OUTLIERS, r);
                DenoisingNormalization.apply(zScore, noisy, clean, noisy, clean);
                trainer.step(noisy, clean);
            }
            return mse(trainer.predict(testNoisy), testClean);
        }
    }

    /** The MSE of the best output confined to [0, 1]: the target clamped to that range. */
    private static double unreachableByASigmoid(Tensor target) {
        double s = 0;
        for (long i = 0; i < target.size(); i++) {
            double t = target.getFlat(i);
            double d = t - Math.clamp(t, 0, 1);
            s += d * d;
        }
        return s / target.size();
    }

    private static double mse(Tensor a, Tensor b) {
        double s = 0;
        for (long i = 0; i < a.size(); i++) {
            double d = a.getFlat(i) - b.getFlat(i);
            s += d * d;
        }
        return s / a.size();
    }
}
