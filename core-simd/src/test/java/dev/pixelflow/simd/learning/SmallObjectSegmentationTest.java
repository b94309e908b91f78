package dev.pixelflow.simd.learning;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.loss.ClassWeightEstimator;
import dev.pixelflow.simd.loss.ClassWeightRule;
import dev.pixelflow.simd.loss.ClassWeights;
import dev.pixelflow.simd.metrics.ConfusionMatrix;
import dev.pixelflow.simd.metrics.SegmentationMetrics;
import dev.pixelflow.simd.models.FcnSegmenter;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.optim.LearningRateSchedule;
import dev.pixelflow.simd.optim.Optimizer;
import dev.pixelflow.simd.optim.Sgd;
import dev.pixelflow.simd.train.Objectives;
import dev.pixelflow.simd.train.Trainer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Small objects (about 1% of the pixels) on textured clutter: the same segmenter and budget trained with a
 * class-weighted and an unweighted binary cross-entropy. The weighted one finds the objects; the unweighted one
 * falls into the accuracy trap: by predicting background everywhere it scores about 99% pixel accuracy while its
 * object IoU is 0.
 */
class SmallObjectSegmentationTest {
    private static final Ops OPS = Ops.builder().threads(2).build();
    private static final int SIZE = 48;
    private static final int BATCH = 8;
    private static final int TRAIN_FRAMES = 256;
    private static final int TEST_FRAMES = 64;
    /**
     * The budget. Held-out object IoU every 20 steps (SGD momentum 0.9, rate 0.03), with these seeds: weighted
     * 0.00 0.19 0.76 0.67 0.84 0.70 0.89 0.87; unweighted 0 at every point. With three other data and model seeds
     * the weighted IoU after 160 steps was 0.81 to 0.91 (one of them crossed 0.6 only after about 130 steps) and
     * the unweighted one 0 at every point; one unweighted run kept IoU 0 for 400 steps. Adam (rate 1e-2) was tried first and is not used: it rescales
     * each parameter's step, which takes away most of what the class weights change, and with some seeds the
     * unweighted model found the objects within 80 steps. The rate drops tenfold for the last 40 steps so the
     * held-out score is not taken at a random point of the oscillation seen above (with it: weighted 0.84 with
     * these seeds, 0.73 with the seeds whose weighted run crossed 0.6 latest).
     */
    private static final int STEPS = 160;
    private static final double RATE = 0.03;
    /** Step after which the rate is 0.003. */
    private static final long DECAY_AT = 120;
    private static final long DATA_SEED = 61;
    private static final long MODEL_SEED = 10;
    /**
     * Cap of the median-frequency weights: the object weight (0.5 / 0.0099, about 50) is capped to 5, so
     * posWeight = 5 / 0.505, about 10. With the cap at 10 or 20 the weighted model over-predicted around the
     * objects (recall near 1, IoU 0.4 to 0.6 with some seeds).
     */
    private static final float WEIGHT_CAP = 5f;

    @Test
    void classWeightedLossFindsSmallObjectsWhereTheUnweightedOneFallsIntoTheAccuracyTrap() {
        try (Tensor trainX = Tensor.zeros(TRAIN_FRAMES, 1, SIZE, SIZE);
             Tensor trainY = Tensor.zeros(TRAIN_FRAMES, 1, SIZE, SIZE);
             Tensor testX = Tensor.zeros(TEST_FRAMES, 1, SIZE, SIZE);
             Tensor testY = Tensor.zeros(TEST_FRAMES, 1, SIZE, SIZE)) {
            SyntheticScenes.fill(trainX, trainY, new SplittableRandom(DATA_SEED));
            SyntheticScenes.fill(testX, testY, new SplittableRandom(DATA_SEED + 1000));

            ClassWeightEstimator estimator = ClassWeightEstimator.builder(2).cap(WEIGHT_CAP).build();
            estimator.add(trainY);
            ClassWeights weights = estimator.weights(ClassWeightRule.MEDIAN_FREQUENCY);
            // BCE weighs background pixels 1: scale both class weights by 1 / w0, leaving posWeight = w1 / w0.
            float posWeight = weights.weight(1) / weights.weight(0);
            double[] counts = estimator.counts();
            System.out.printf("small objects: foreground fraction %.4f, %s, posWeight %.1f%n",
                    counts[1] / (counts[0] + counts[1]), weights, posWeight);

            SegmentationMetrics weighted = trainAndEvaluate("weighted", posWeight, trainX, trainY, testX, testY);
            SegmentationMetrics plain = trainAndEvaluate("unweighted", 1f, trainX, trainY, testX, testY);

            // Measured 0.70 to 0.87: the float rounding of the kernels differs between interpreted and JIT-compiled
            // code, so what ran earlier in the JVM nudges the trajectory; the rate drop keeps the spread small.
            assertTrue(weighted.iou()[1] >= 0.6, "weighted object IoU " + weighted.iou()[1]);
            // The trap: a high pixel accuracy (all background already scores 1 - 0.0098) hides a useless model.
            assertTrue(plain.pixelAccuracy() >= 0.98, "unweighted pixel accuracy " + plain.pixelAccuracy());
            // 0.3 (the bound) and at most half the weighted IoU: the unweighted IoU measured 0 at every
            // check, and it does not drift up slowly: it jumps once the object logits cross 0, which at the full rate
            // did not happen within 400 steps (another seed), 2.5 times this budget. The margin is wide both ways.
            assertTrue(plain.iou()[1] < 0.3, "unweighted object IoU " + plain.iou()[1]);
            assertTrue(plain.iou()[1] <= weighted.iou()[1] / 2,
                    "unweighted IoU " + plain.iou()[1] + " vs weighted " + weighted.iou()[1]);
        }
    }

    /** Trains a fresh segmenter (same seed each time) for {@link #STEPS} steps, then scores the held-out frames. */
    private static SegmentationMetrics trainAndEvaluate(String name, float posWeight, Tensor trainX, Tensor trainY,
                                                        Tensor testX, Tensor testY) {
        BinaryCrossEntropy bce = BinaryCrossEntropy.builder().threads(2).posWeight(new float[] {posWeight}).build();
        long start = System.nanoTime();
        try (Model model = Model.create(FcnSegmenter.builder().inChannels(1).width(8).depth(2).build(), MODEL_SEED);
             Optimizer sgd = Sgd.builder().momentum(0.9).build();
             Trainer<Tensor> trainer = Trainer.builder(model, Objectives.binarySegmentation(bce), sgd).ops(OPS)
                     .schedule(LearningRateSchedule.stepDecay(RATE, DECAY_AT, 0.1)).build()) {
            int batches = TRAIN_FRAMES / BATCH;
            for (int s = 0; s < STEPS; s++) {
                int from = (s % batches) * BATCH;
                trainer.step(trainX.slice(from, from + BATCH), trainY.slice(from, from + BATCH));
            }
            ConfusionMatrix confusion = ConfusionMatrix.of(2);
            for (int from = 0; from < TEST_FRAMES; from += BATCH) {
                confusion.addBinaryLogits(trainer.predict(testX.slice(from, from + BATCH)),
                        testY.slice(from, from + BATCH));
            }
            SegmentationMetrics m = confusion.metrics();
            System.out.printf("small objects, %s (%d steps, %d ms): pixel accuracy %.4f, object IoU %.3f,"
                            + " object recall %.3f%n", name, STEPS, (System.nanoTime() - start) / 1_000_000,
                    m.pixelAccuracy(), m.iou()[1], m.recall()[1]);
            return m;
        }
    }
}
